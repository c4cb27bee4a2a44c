export const STATUS_LABELS: Record<string, string> = { draft: "草稿", scheduled: "待发送", planning: "拆分中", dispatching: "发送中", sent: "已发出", cancelled: "已取消", failed: "失败" };
export const STATUS_TAGS: Record<string, "info" | "warning" | "success" | "danger" | "primary"> = { draft: "info", scheduled: "primary", planning: "warning", dispatching: "warning", sent: "success", cancelled: "info", failed: "danger" };
export const AUDIENCE_LABELS: Record<string, string> = { segment: "人群", tags: "客户标签", groups: "客户群" };
/** Owners named before "等 N 位群主": a long list would push the rest of the row away. */
const OWNERS_SHOWN = 10;

/**
 * @param audience the presented audience.
 * @returns who it goes to in a line: 人群：VIP 会员, 客户群：全部, 客户群：群主 张导购、李导购.
 */
export function audienceSummary(audience: { kind: string; segmentName: string | null; ownerNames: string[] }): string {
  const label = AUDIENCE_LABELS[audience.kind] ?? audience.kind;
  if (audience.kind === "groups") {
    const names = audience.ownerNames;
    const more = names.length > OWNERS_SHOWN ? ` 等 ${names.length} 位` : "";
    return names.length > 0 ? `${label}：群主 ${names.slice(0, OWNERS_SHOWN).join("、")}${more}` : `${label}：全部`;
  }
  return audience.segmentName ? `${label}：${audience.segmentName}` : label;
}

/** A count of what the audience holds: groups are counted as groups, the rest as customers. */
export const recipientsUnit = (kind: string): string => (kind === "groups" ? "个客户群" : "位客户");

export const RULE_LABELS: Record<string, string> = { last_contact: "最近联系的导购", home_store: "所属门店的导购", first_added: "最早添加的导购" };

/**
 * @param done tasks handed to WeCom (created or refused).
 * @param total tasks planned.
 * @returns 0–100 for the progress bar.
 */
export const dispatchPercent = (done: number, total: number): number => (total > 0 ? Math.min(100, Math.round((done / total) * 100)) : 0);
