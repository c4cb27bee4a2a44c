// How numbers, times and codes read to a guide. Amounts arrive in fen; whole yuan drop the
// decimals so "¥620" reads like the server's own hints. Codes' names come from the labels
// module the server and the console use too.
import { ADD_WAY_LABELS, CHANNEL_LABELS, JOIN_SCENE_LABELS, labelOf, ORDER_STATUS_LABELS } from "@server/presenters/labels";

/** ¥ from fen: "¥620", "¥12.50". */
export function yuan(fen: number): string {
  const value = fen / 100;
  return `¥${Number.isInteger(value) ? value.toLocaleString("zh-CN") : value.toLocaleString("zh-CN", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

const pad = (n: number) => String(n).padStart(2, "0");

/** "2024-05-01" in the browser's zone (China time for our guides). */
export function day(iso: string | null | undefined): string {
  if (!iso) {
    return "";
  }
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? "" : `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** "2024-05-01 14:30". */
export function dayTime(iso: string | null | undefined): string {
  if (!iso) {
    return "";
  }
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? "" : `${day(iso)} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** Sales channel of an order. */
export const channelName = (channel: string) => labelOf(CHANNEL_LABELS, channel);

/** Order status. */
export const orderStatusName = (status: string) => labelOf(ORDER_STATUS_LABELS, status);

/** How the customer added the guide, when no channel code brought them. */
export function addWayName(addWay: number): string {
  return ADD_WAY_LABELS[String(addWay)] ?? `其他方式（${addWay}）`;
}

/** How a member joined a customer group. */
export function joinSceneName(scene: number | string | null): string {
  if (scene === null) {
    return "未知方式";
  }
  return JOIN_SCENE_LABELS[String(scene)] ?? `其他方式（${scene}）`;
}
