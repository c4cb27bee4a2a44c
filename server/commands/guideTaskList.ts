// A guide's own task list as the sidebar reads it: one view (today, overdue, done) a page at a
// time, with the counts its tabs show. Every query starts with
// the guide's userId and state, the prefix of the tasks' { userId, state, dueAt } index.
import type { QueryFilter } from "mongoose";
import { TASK_KINDS, type TaskKind } from "../domain/tasks.ts";
import { Task, type TaskAttrs } from "../models/Task.ts";

/** today: open and not yet due; overdue: open past due; done: done in the last DONE_DAYS days. */
export const GUIDE_TASK_VIEWS = ["today", "overdue", "done"] as const;
export type GuideTaskView = (typeof GUIDE_TASK_VIEWS)[number];

/** How far back 已完成 reaches: a week of work, not the guide's whole history. */
export const DONE_DAYS = 7;

/** One page of a guide's tasks and the counts around it. */
export interface GuideTaskPage {
  tasks: TaskAttrs[];
  /** Tasks in the view (with the kind filter). */
  total: number;
  /** The three tabs' counts (whatever the kind filter). */
  counts: { today: number; overdue: number; done: number };
  /** The view's tasks per kind, for the kind chips (whatever the kind filter). */
  kinds: Record<TaskKind, number>;
}

/**
 * @param view which list.
 * @param now the clock.
 * @returns the part of the filter the view decides.
 */
export function viewFilter(view: GuideTaskView, now: Date): QueryFilter<TaskAttrs> {
  switch (view) {
    case "today":
      return { state: "open", dueAt: { $gte: now } };
    case "overdue":
      return { state: "open", dueAt: { $lt: now } };
    case "done":
      return { state: "done", doneAt: { $gte: new Date(now.getTime() - DONE_DAYS * 86_400_000) } };
  }
}

/**
 * @param props the guide, the view, an optional kind, the page and the clock.
 * @returns the page of tasks (soonest due first; latest done first) and the counts.
 */
export default async function guideTaskList(props: {
  userId: string;
  view: GuideTaskView;
  kind?: TaskKind | undefined;
  page: number;
  pageSize: number;
  now: Date;
}): Promise<GuideTaskPage> {
  const { userId, view, now } = props;
  const mine: QueryFilter<TaskAttrs> = { userId };
  const filter = { ...mine, ...viewFilter(view, now), ...(props.kind ? { kind: props.kind } : {}) };
  const [tasks, total, today, overdue, done, byKind] = await Promise.all([
    Task.find(filter)
      .sort(view === "done" ? { doneAt: -1, _id: 1 } : { dueAt: 1, _id: 1 })
      .skip((props.page - 1) * props.pageSize)
      .limit(props.pageSize)
      .lean<TaskAttrs[]>(),
    Task.countDocuments(filter),
    Task.countDocuments({ ...mine, ...viewFilter("today", now) }),
    Task.countDocuments({ ...mine, ...viewFilter("overdue", now) }),
    Task.countDocuments({ ...mine, ...viewFilter("done", now) }),
    Task.aggregate<{ _id: TaskKind; count: number }>([{ $match: { ...mine, ...viewFilter(view, now) } }, { $group: { _id: "$kind", count: { $sum: 1 } } }]),
  ]);
  const kinds = Object.fromEntries(TASK_KINDS.map((kind) => [kind, byKind.find((entry) => entry._id === kind)?.count ?? 0])) as Record<TaskKind, number>;
  return { tasks, total, counts: { today, overdue, done }, kinds };
}
