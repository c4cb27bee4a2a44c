// Words and colours for a moment's kind and status, in one place for the list, the editor and the detail.
import type { PresentedMoment } from "@server/presenters/moment";

type Kind = PresentedMoment["kind"];
type Status = PresentedMoment["status"];
type TagType = "success" | "warning" | "info" | "danger" | "primary";

export const KIND_LABELS: Record<Kind, string> = { care: "关怀", service: "服务", ads: "广告" };
export const KIND_COLORS: Record<Kind, string> = { care: "#67c23a", service: "#409eff", ads: "#e6a23c" };
export const KIND_TAGS: Record<Kind, TagType> = { care: "success", service: "primary", ads: "warning" };
export const STATUS_LABELS: Record<Status, string> = { draft: "草稿", scheduled: "待发送", sending: "提交中", sent: "已下发", failed: "失败", cancelled: "已取消" };
export const STATUS_TAGS: Record<Status, TagType> = { draft: "info", scheduled: "primary", sending: "warning", sent: "success", failed: "danger", cancelled: "info" };

/** The China month (YYYY-MM) of now. */
export const thisMonth = (): string => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 7);

/** A China date and time as people read it: 12月7日 周一 10:00. */
export function momentTime(iso: string): { day: string; time: string } {
  const china = new Date(new Date(iso).getTime() + 8 * 3_600_000);
  const week = "日一二三四五六"[china.getUTCDay()];
  return { day: `${china.getUTCMonth() + 1}月${china.getUTCDate()}日 周${week}`, time: china.toISOString().slice(11, 16) };
}
