export const STATUS_LABELS: Record<string, string> = { draft: "草稿", scheduled: "待发送", planning: "拆分中", dispatching: "发送中", sent: "已发出", cancelled: "已取消", failed: "失败" };
export const STATUS_TAGS: Record<string, "info" | "warning" | "success" | "danger" | "primary"> = { draft: "info", scheduled: "primary", planning: "warning", dispatching: "warning", sent: "success", cancelled: "info", failed: "danger" };
export const AUDIENCE_LABELS: Record<string, string> = { segment: "人群", tags: "客户标签", groups: "客户群" };
export const RULE_LABELS: Record<string, string> = { last_contact: "最近联系的导购", home_store: "所属门店的导购", first_added: "最早添加的导购" };

/**
 * @param done tasks handed to WeCom (created or refused).
 * @param total tasks planned.
 * @returns 0–100 for the progress bar.
 */
export const dispatchPercent = (done: number, total: number): number => (total > 0 ? Math.min(100, Math.round((done / total) * 100)) : 0);
