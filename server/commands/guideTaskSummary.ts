// What a guide has left to do, in a few words: the morning digest's counts and the answer to an
// employee texting the app "任务". Open tasks are today's (not yet due) and overdue ones, as the
// sidebar's 今日 and 逾期 tabs list them.
import { TASK_KIND_LABELS, TASK_KINDS, type TaskKind } from "../domain/tasks.ts";
import { Task, type TaskAttrs } from "../models/Task.ts";
import taskNames from "./taskNames.ts";

/** One guide's open tasks. */
export interface GuideTaskSummary {
  userId: string;
  open: number;
  overdue: number;
  byKind: Record<TaskKind, number>;
}

const noKinds = () => Object.fromEntries(TASK_KINDS.map((kind) => [kind, 0])) as Record<TaskKind, number>;

/**
 * Every guide with open tasks, counted in one pass over the open tasks (a daily job's read).
 *
 * @param now the clock (what is overdue).
 * @param userIds only these guides; every guide when omitted.
 * @returns the summaries, guides with nothing open left out.
 */
export async function openTaskSummaries(now: Date, userIds?: string[]): Promise<GuideTaskSummary[]> {
  const rows = await Task.aggregate<{ _id: { userId: string; kind: TaskKind; overdue: boolean }; count: number }>([
    { $match: { state: "open", ...(userIds ? { userId: { $in: userIds } } : {}) } },
    { $group: { _id: { userId: "$userId", kind: "$kind", overdue: { $lt: ["$dueAt", now] } }, count: { $sum: 1 } } },
  ]);
  const byGuide = new Map<string, GuideTaskSummary>();
  for (const row of rows) {
    const summary = byGuide.get(row._id.userId) ?? { userId: row._id.userId, open: 0, overdue: 0, byKind: noKinds() };
    summary.open += row.count;
    summary.overdue += row._id.overdue ? row.count : 0;
    summary.byKind[row._id.kind] = (summary.byKind[row._id.kind] ?? 0) + row.count;
    byGuide.set(row._id.userId, summary);
  }
  return [...byGuide.values()].sort((a, b) => a.userId.localeCompare(b.userId));
}

/**
 * @param summary a guide's open tasks.
 * @returns the counts by kind in the sidebar's order: "生日关怀 2、沉默召回 3".
 */
export function kindCounts(summary: GuideTaskSummary): string {
  return TASK_KINDS.filter((kind) => summary.byKind[kind] > 0)
    .map((kind) => `${TASK_KIND_LABELS[kind]} ${summary.byKind[kind]}`)
    .join("、");
}

/** How many customers the app's answer names before "还有 N 项". */
export const NAMED_IN_REPLY = 5;

/**
 * The plain-text list an employee gets for texting the app "任务": counts by kind and the first
 * customers (overdue first, then soonest due), each with why.
 *
 * @param userId the employee.
 * @param now the clock.
 * @returns the text (under WeCom's 2048 bytes: a few lines of names).
 */
export async function taskListText(userId: string, now: Date): Promise<string> {
  const [summary] = await openTaskSummaries(now, [userId]);
  if (!summary) {
    return "您目前没有待办任务。新的任务会在每天早上的任务提醒里告诉您。";
  }
  const first = await Task.find({ userId, state: "open" }).sort({ dueAt: 1, _id: 1 }).limit(NAMED_IN_REPLY).lean<TaskAttrs[]>();
  const names = await taskNames(first);
  const lines = first.map((task, index) => {
    const customer = names.customers.get(task.externalUserId)?.name || (task.memberId ? names.members.get(task.memberId) : "") || "未命名客户";
    return `${index + 1}. ${customer}：${task.title}${task.dueAt < now ? "（已逾期）" : ""}`;
  });
  const more = summary.open - first.length;
  return [
    `您有 ${summary.open} 项待办任务${summary.overdue ? `，其中逾期 ${summary.overdue} 项` : ""}：${kindCounts(summary)}`,
    "",
    ...lines,
    ...(more > 0 ? [`……还有 ${more} 项`] : []),
    "",
    "在客户聊天的侧边栏打开「我的任务」即可逐个处理。",
  ].join("\n");
}
