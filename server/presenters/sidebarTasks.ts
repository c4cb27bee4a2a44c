import { TASK_KIND_LABELS, TASK_KINDS, type TaskKind } from "../domain/tasks.ts";
import type { TaskAttrs } from "../models/Task.ts";
import { presentTasks, type PresentedTask, type TaskNames } from "./task.ts";

/** The sidebar's task list: one page of a view, the tabs' counts and the view's kinds. */
export interface SidebarTaskList {
  tasks: PresentedTask[];
  /** 今日, 逾期, 已完成 (last 7 days). */
  counts: { today: number; overdue: number; done: number };
  /** Every kind in the sidebar's order, with the view's count (0 included, the page hides them). */
  kinds: { kind: TaskKind; label: string; count: number }[];
}

/**
 * @param list the page of stored tasks, the counts and the counts per kind.
 * @param names the names the tasks mention.
 * @param now the clock, for overdue.
 * @returns the sidebar's shape.
 */
export function presentSidebarTaskList(
  list: { tasks: TaskAttrs[]; counts: SidebarTaskList["counts"]; kinds: Record<TaskKind, number> },
  names: TaskNames,
  now: Date,
): SidebarTaskList {
  return {
    tasks: presentTasks(list.tasks, names, now),
    counts: list.counts,
    kinds: TASK_KINDS.map((kind) => ({ kind, label: TASK_KIND_LABELS[kind], count: list.kinds[kind] })),
  };
}
