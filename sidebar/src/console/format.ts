// How numbers, times and codes read in the console. The codes' Chinese names come from the one
// labels module the server and the sidebar use too; here they only get their Element Plus colours.
import type { PresentedBenefit } from "@server/presenters/benefit";
import {
  BENEFIT_STATE_LABELS,
  CHANNEL_LABELS,
  CLAIM_STATUS_LABELS,
  labelOf,
  ORDER_STATUS_LABELS,
  REPURCHASE_LABELS,
} from "@server/presenters/labels";
import type { PresentedMember } from "@server/presenters/member";
import type { OrderStatus } from "@server/presenters/order";

type TagType = "primary" | "success" | "info" | "warning" | "danger";

/**
 * @param fen an amount in fen.
 * @returns "¥1,234" or "¥1,234.50", or "—".
 */
export function yuan(fen: number | null | undefined): string {
  if (fen === null || fen === undefined) {
    return "—";
  }
  const value = fen / 100;
  return `¥${value.toLocaleString("zh-CN", { minimumFractionDigits: fen % 100 === 0 ? 0 : 2, maximumFractionDigits: 2 })}`;
}

/**
 * @param rate a rate 0–1, or null when there was nothing to divide by.
 * @returns "12.3%" or "—".
 */
export function percent(rate: number | null | undefined): string {
  return rate === null || rate === undefined ? "—" : `${(rate * 100).toFixed(1)}%`;
}

/**
 * @param value a count.
 * @returns the count with thousands separators.
 */
export const count = (value: number) => value.toLocaleString("zh-CN");

/**
 * @param value a change of a balance.
 * @returns "+120", "-30" or "0", with thousands separators.
 */
export const signed = (value: number) => (value > 0 ? `+${count(value)}` : count(value));

const pad = (value: number) => String(value).padStart(2, "0");

/**
 * @param iso an ISO time or null.
 * @returns "2025-03-01" in local time, or "—".
 */
export function day(iso: string | null | undefined): string {
  if (!iso) {
    return "—";
  }
  const date = new Date(iso);
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/**
 * @param iso an ISO time or null.
 * @returns "2025-03-01 14:05" in local time, or "—".
 */
export function dateTime(iso: string | null | undefined): string {
  if (!iso) {
    return "—";
  }
  const date = new Date(iso);
  return `${day(iso)} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/**
 * @param code a channel code (orders' channel, members' source channel).
 * @returns its Chinese name, or the code itself.
 */
export const channelLabel = (code: string | null | undefined) => labelOf(CHANNEL_LABELS, code);

const REPURCHASE_TYPES: Record<PresentedMember["metrics"]["repurchase"], TagType> = { none: "info", not_due: "success", due: "warning", overdue: "danger" };

/** A member's repurchase state as a tag. */
export const repurchaseTag = (state: PresentedMember["metrics"]["repurchase"]) => ({ text: REPURCHASE_LABELS[state], type: REPURCHASE_TYPES[state] });

const BENEFIT_STATE_TYPES: Record<PresentedBenefit["state"], TagType> = {
  claimable: "success",
  claimed_all: "info",
  window_closed: "info",
  not_yet: "warning",
  out_of_stock: "danger",
  no_birthday: "warning",
};

/** Where a member stands with a benefit, as a tag. */
export const benefitStateTag = (state: PresentedBenefit["state"]) => ({ text: BENEFIT_STATE_LABELS[state], type: BENEFIT_STATE_TYPES[state] });

const CLAIM_TYPES: Record<PresentedBenefit["claims"][number]["status"], TagType> = { claimed: "warning", redeemed: "success", expired: "info" };

/** A claimed benefit's status, as a tag. */
export const claimTag = (status: PresentedBenefit["claims"][number]["status"]) => ({ text: CLAIM_STATUS_LABELS[status], type: CLAIM_TYPES[status] });

const ORDER_TYPES: Record<OrderStatus, TagType> = { paid: "success", partially_refunded: "warning", refunded: "info" };

/** An order's status, as a tag. */
export const orderStatusTag = (status: OrderStatus) => ({ text: ORDER_STATUS_LABELS[status], type: ORDER_TYPES[status] });
