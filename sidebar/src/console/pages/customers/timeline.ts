// How the customer page words each kind of event on a customer's timeline.
import type { PresentedTimelineEntry, TimelineKind } from "@server/presenters/customer";

const KIND_LABELS: Record<TimelineKind, string> = {
  added: "添加导购",
  tagged: "被打标签",
  joined_group: "加入客户群",
  left_group: "退出客户群",
  bought: "下单",
  note: "跟进记录",
  deleted_by_customer: "删除了导购",
  deleted_by_employee: "被导购删除",
};

const KIND_TYPES: Record<TimelineKind, "primary" | "success" | "info" | "warning" | "danger"> = {
  added: "success",
  tagged: "primary",
  joined_group: "success",
  left_group: "info",
  bought: "warning",
  note: "info",
  deleted_by_customer: "danger",
  deleted_by_employee: "danger",
};

/**
 * @param entry one timeline entry.
 * @returns its title and colour, and the line under it ("张导购 · 高价值").
 */
export function describe(entry: PresentedTimelineEntry): { title: string; type: (typeof KIND_TYPES)[TimelineKind]; detail: string } {
  const subject = entry.kind === "added" && entry.subject ? `渠道码 ${entry.subject}` : entry.subject;
  return { title: KIND_LABELS[entry.kind], type: KIND_TYPES[entry.kind], detail: [entry.guideName, subject].filter((part) => part).join(" · ") };
}
