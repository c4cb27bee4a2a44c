import type { TaskAttrs } from "../models/Task.ts";
import { TASK_KIND_LABELS, TASK_RESULT_LABELS, type TaskKind, type TaskResult, type TaskState } from "../domain/tasks.ts";

/** One guide's task as the sidebar, the console's drill-down and the app messages show it. */
export interface PresentedTask {
  id: string;
  kind: TaskKind;
  kindLabel: string;
  /** What it is about (生日 12月8日, 银卡专享券 3 天后过期…). */
  title: string;
  /** The suggested message, the brand's template filled for this member. */
  suggestion: string;
  customer: { externalUserId: string; name: string; avatar: string };
  memberId: string | null;
  /** The member's level now, or null for a customer who is not a member. */
  levelName: string | null;
  dueAt: string;
  /** The China day (YYYY-MM-DD) the task counts on. */
  dueDay: string;
  /** Still open past its due time, by the clock the caller passed. */
  overdue: boolean;
  state: TaskState;
  result: TaskResult | null;
  resultLabel: string;
  doneAt: string | null;
  /** Done by its due time; null while not done. */
  doneOnTime: boolean | null;
  /** Why it closed itself (已复购, 权益已核销, 客户已删除…), or "". */
  closedReason: string;
  guide: { userId: string; name: string };
}

/**
 * The names a list of tasks mentions, read once per collection by server/commands/taskNames.ts
 * (presenters never query).
 */
export interface TaskNames {
  customers: ReadonlyMap<string, { name: string; avatar: string }>;
  guides: ReadonlyMap<string, string>;
  /** The level name of each member by id. */
  levels: ReadonlyMap<string, string>;
  /** Member names, for a customer WeCom gave no name. */
  members: ReadonlyMap<string, string>;
}

type PresentableTask = Pick<
  TaskAttrs,
  "_id" | "kind" | "title" | "suggestion" | "externalUserId" | "memberId" | "dueAt" | "dueDay" | "state" | "result" | "doneAt" | "doneOnTime" | "closedReason" | "userId"
>;

/**
 * @param task the stored task.
 * @param names the names its ids stand for.
 * @param now the clock's time, for overdue.
 * @returns the task as people read it.
 */
export function presentTask(task: PresentableTask, names: TaskNames, now: Date): PresentedTask {
  const state = task.state as TaskState;
  const result = (task.result ?? null) as TaskResult | null;
  const customer = names.customers.get(task.externalUserId);
  const memberId = task.memberId ?? null;
  const memberName = memberId ? names.members.get(memberId) : undefined;
  return {
    id: task._id,
    kind: task.kind as TaskKind,
    kindLabel: TASK_KIND_LABELS[task.kind as TaskKind],
    title: task.title,
    suggestion: task.suggestion ?? "",
    customer: { externalUserId: task.externalUserId, name: customer?.name || memberName || "未命名客户", avatar: customer?.avatar ?? "" },
    memberId,
    levelName: memberId ? (names.levels.get(memberId) ?? null) : null,
    dueAt: task.dueAt.toISOString(),
    dueDay: task.dueDay,
    overdue: state === "open" && task.dueAt.getTime() < now.getTime(),
    state,
    result,
    resultLabel: result ? TASK_RESULT_LABELS[result] : "",
    doneAt: task.doneAt ? task.doneAt.toISOString() : null,
    doneOnTime: task.doneOnTime ?? null,
    closedReason: task.closedReason ?? "",
    guide: { userId: task.userId, name: names.guides.get(task.userId) || task.userId },
  };
}

/**
 * @param tasks stored tasks.
 * @param names their names (taskNames(tasks)).
 * @param now the clock's time.
 * @returns them as people read them, in the same order.
 */
export function presentTasks(tasks: PresentableTask[], names: TaskNames, now: Date): PresentedTask[] {
  return tasks.map((task) => presentTask(task, names, now));
}
