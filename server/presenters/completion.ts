import { TASK_KIND_LABELS, TASK_KINDS, type CompletionFigures, type TaskKind } from "../domain/tasks.ts";
import type { PresentedTask } from "./task.ts";

/** The levels a manager drills through: 全公司 → 区域 → 门店 → 导购. */
export type CompletionViewLevel = "company" | "region" | "store" | "guide";

/** A share 0..1, or null when there was nothing to do (shown as —, never as 0%). */
export type Rate = number | null;

/** What one region, store, guide or day did, and the rates a manager is judged by. */
export interface PresentedCompletionFigures {
  /** Tasks due in the period (of the chosen kind), done, done by their due time. */
  tasksDue: number;
  tasksDone: number;
  tasksOnTime: number;
  momentsAssigned: number;
  momentsPublished: number;
  massAssigned: number;
  massSent: number;
  greetingsDue: number;
  greetingsOnTime: number;
  /** 新增客户 and 新增会员. */
  adds: number;
  membersRecruited: number;
  rates: {
    /** 任务完成率 = done / due. */
    tasks: Rate;
    /** 按时完成率 = done on time / due. */
    onTime: Rate;
    /** 朋友圈发表率. */
    moments: Rate;
    /** 群发完成率. */
    mass: Rate;
    /** 24 小时问候率. */
    greetings: Rate;
  };
}

/** A row of the ranked table: a region, a store or a guide. */
export interface PresentedCompletionRow {
  level: "region" | "store" | "guide";
  id: string;
  name: string;
  figures: PresentedCompletionFigures;
}

/** One view of the dashboard. */
export interface PresentedCompletionView {
  level: CompletionViewLevel;
  id: string | null;
  name: string;
  from: string;
  to: string;
  kind: TaskKind | null;
  /** The kinds a view may be cut to, with their names (the filter's options). */
  kinds: { value: TaskKind; label: string }[];
  /** From the company down to this view, for the breadcrumb. */
  path: { level: CompletionViewLevel; id: string | null; name: string }[];
  /** True when a manager sees only their own stores of the company. */
  cut: boolean;
  total: PresentedCompletionFigures;
  /** Ranked by task completion, then on time, then name; empty for a guide. */
  rows: PresentedCompletionRow[];
  trend: { day: string; figures: PresentedCompletionFigures }[];
}

/** A campaign a guide has not done yet. */
export interface PresentedUndoneCampaign {
  kind: "moment" | "mass";
  kindLabel: string;
  campaignId: string;
  name: string;
  state: "assigned" | "failed";
  assignedAt: string;
  failReason: string;
}

/** A guide's undone items: open tasks (paged) and campaigns not done. */
export interface PresentedUndone {
  tasks: PresentedTask[];
  campaigns: PresentedUndoneCampaign[];
}

/** What a 催办 did: `message` sums the skipped by reason (a region's hundreds in one line). */
export interface PresentedCompletionReminders {
  reminded: number;
  skipped: { userId: string; name: string; code: "no_open_tasks" | "daily_limit" | "unknown_to_wecom"; reason: string }[];
  message: string;
}

/** What a 催办 of a store, region or the company would do now: the confirm dialog's numbers. */
export interface PresentedCompletionRemindPreview {
  /** Guides in scope and the stores they work in. */
  guides: number;
  stores: number;
  /** Guides a 催办 would message now (open tasks, reminders of the day left) and their stores. */
  toRemind: number;
  toRemindStores: number;
  noOpenTasks: number;
  limitReached: number;
  /** A manager's region: only their stores of it. */
  cut: boolean;
}

/** The kind filter's options. */
export const completionKinds = (): PresentedCompletionView["kinds"] => TASK_KINDS.map((kind) => ({ value: kind, label: TASK_KIND_LABELS[kind] }));

const rate = (part: number, whole: number): Rate => (whole > 0 ? part / whole : null);

/**
 * @param figures a period's counters.
 * @param kind a task kind to cut the task figures to, or null for every kind.
 * @returns the figures and rates people read.
 */
export function presentCompletionFigures(figures: CompletionFigures, kind: TaskKind | null): PresentedCompletionFigures {
  const tasksDue = kind ? figures[`due_${kind}`] : figures.tasksDue;
  const tasksDone = kind ? figures[`done_${kind}`] : figures.tasksDone;
  const tasksOnTime = kind ? figures[`onTime_${kind}`] : figures.tasksOnTime;
  return {
    tasksDue,
    tasksDone,
    tasksOnTime,
    momentsAssigned: figures.momentsAssigned,
    momentsPublished: figures.momentsPublished,
    massAssigned: figures.massAssigned,
    massSent: figures.massSent,
    greetingsDue: figures.greetingsDue,
    greetingsOnTime: figures.greetingsOnTime,
    adds: figures.adds,
    membersRecruited: figures.membersRecruited,
    rates: {
      tasks: rate(tasksDone, tasksDue),
      onTime: rate(tasksOnTime, tasksDue),
      moments: rate(figures.momentsPublished, figures.momentsAssigned),
      mass: rate(figures.massSent, figures.massAssigned),
      greetings: rate(figures.greetingsOnTime, figures.greetingsDue),
    },
  };
}

/**
 * Rank rows: the best task completion first; rows with nothing due after those with something.
 *
 * @param rows the rows.
 * @returns the rows ranked.
 */
export function rankCompletionRows(rows: PresentedCompletionRow[]): PresentedCompletionRow[] {
  const score = (value: Rate) => value ?? -1;
  return [...rows].sort((a, b) => score(b.figures.rates.tasks) - score(a.figures.rates.tasks) || score(b.figures.rates.onTime) - score(a.figures.rates.onTime) || a.name.localeCompare(b.name, "zh"));
}
