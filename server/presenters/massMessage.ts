import type { MassMessageAttrs } from "../models/MassMessage.ts";

export const MASS_STATUS_LABELS: Record<string, string> = { draft: "草稿", scheduled: "待发送", planning: "拆分中", dispatching: "发送中", sent: "已发出", cancelled: "已取消", failed: "失败" };
export const GUIDE_RULE_LABELS: Record<string, string> = { last_contact: "最近联系的导购", home_store: "所属门店的导购", first_added: "最早添加的导购" };

/** A mass message as the console shows it. */
export interface PresentedMassMessage {
  id: string;
  name: string;
  text: string;
  attachments: { kind: string; fileId: string | null; title: string; url: string; desc: string; picUrl: string; appid: string; page: string }[];
  /** ownerNames: the 指定群主 by name, in ownerIds' order (empty = every group). */
  audience: { kind: string; segmentId: string | null; segmentName: string | null; tagIds: string[]; ownerIds: string[]; ownerNames: string[] };
  guideRule: string;
  guideRuleLabel: string;
  sendAt: string | null;
  syncDays: number;
  status: string;
  statusLabel: string;
  failReason: string;
  progress: { planned: number; unreachable: number; guides: number; tasks: number; tasksCreated: number; tasksFailed: number };
  totals: { delivered: number; notFriend: number; capped: number; unsent: number; guidesSent: number };
  /** WeCom reminders still allowed in the next 24 hours (remind_groupmsg_send: 3 per 24 h). */
  remindsLeft: number;
  dispatchedAt: string | null;
  syncedAt: string | null;
  createdAt: string | null;
}

type Stored = MassMessageAttrs & { _id: { toString(): string }; createdAt?: Date };

/**
 * @param campaign the stored campaign.
 * @param extra the segment's name, the group owners' names and the reminders left (read by the caller).
 * @returns the public shape.
 */
export function presentMassMessage(campaign: Stored, extra: { segmentName: string | null; ownerNames: Map<string, string>; remindsLeft: number }): PresentedMassMessage {
  const progress: Partial<PresentedMassMessage["progress"]> = campaign.progress ?? {};
  const totals: Partial<PresentedMassMessage["totals"]> = campaign.totals ?? {};
  return {
    id: String(campaign._id),
    name: campaign.name,
    text: campaign.text ?? "",
    attachments: campaign.attachments.map((attachment) => ({ kind: attachment.kind, fileId: attachment.fileId ?? null, title: attachment.title ?? "", url: attachment.url ?? "", desc: attachment.desc ?? "", picUrl: attachment.picUrl ?? "", appid: attachment.appid ?? "", page: attachment.page ?? "" })),
    audience: { kind: campaign.audience.kind, segmentId: campaign.audience.segmentId ?? null, segmentName: extra.segmentName, tagIds: campaign.audience.tagIds, ownerIds: campaign.audience.ownerIds, ownerNames: campaign.audience.ownerIds.map((userId) => extra.ownerNames.get(userId) ?? `未知导购（${userId}）`) },
    guideRule: campaign.guideRule ?? "last_contact",
    guideRuleLabel: GUIDE_RULE_LABELS[campaign.guideRule ?? "last_contact"] ?? "",
    sendAt: campaign.sendAt?.toISOString() ?? null,
    syncDays: campaign.syncDays ?? 7,
    status: campaign.status ?? "draft",
    statusLabel: MASS_STATUS_LABELS[campaign.status ?? "draft"] ?? "",
    failReason: campaign.failReason ?? "",
    progress: { planned: progress.planned ?? 0, unreachable: progress.unreachable ?? 0, guides: progress.guides ?? 0, tasks: progress.tasks ?? 0, tasksCreated: progress.tasksCreated ?? 0, tasksFailed: progress.tasksFailed ?? 0 },
    totals: { delivered: totals.delivered ?? 0, notFriend: totals.notFriend ?? 0, capped: totals.capped ?? 0, unsent: totals.unsent ?? 0, guidesSent: totals.guidesSent ?? 0 },
    remindsLeft: extra.remindsLeft,
    dispatchedAt: campaign.dispatchedAt?.toISOString() ?? null,
    syncedAt: campaign.syncedAt?.toISOString() ?? null,
    createdAt: campaign.createdAt?.toISOString() ?? null,
  };
}
