// How the sandbox's guides treat a task that reaches their WeCom client (a moment to publish, a
// mass message to send): most act within the hour, some take most of the day, a few never do, so
// the completion pages show a real spread. Deterministic per guide and task, so a replayed demo
// and a test see the same people act.
import { createHash } from "node:crypto";

const unit = (text: string): number => createHash("sha256").update(text).digest().readUInt32BE(0) / 0x1_0000_0000;

/**
 * @param userid the sandbox guide.
 * @param taskId the task (a moment's jobid, a mass message's msgid).
 * @returns seconds after the task reached the guide when they act on it, or null when they never do.
 */
export function sandboxGuideDelay(userid: string, taskId: string): number | null {
  // The guide's habit first: some guides are prompt, some slow, a few let tasks lie.
  const habit = unit(`habit:${userid}`);
  const chance = unit(`task:${userid}:${taskId}`);
  const neverShare = habit < 0.15 ? 0.7 : habit < 0.4 ? 0.2 : 0.05;
  if (chance < neverShare) {
    return null;
  }
  const spread = (chance - neverShare) / (1 - neverShare);
  // Prompt guides: 3–60 minutes; slow ones: 1–8 hours.
  return habit >= 0.4 ? Math.round(180 + spread * 3420) : Math.round(3600 + spread * 25_200);
}

/** What a sandbox guide does with one of the product's tasks (the sidebar's task list), and when. */
export interface SandboxTaskPlan {
  at: Date;
  /** sent: the suggested message sent into the chat; contacted / noReply: marked by hand. */
  result: "sent" | "contacted" | "noReply";
}

const HOUR = 3_600_000;

/**
 * How diligent a guide is with tasks: their store's habit, a little above or below it.
 *
 * @param userid the sandbox guide.
 * @param storeDiligence their store's share (demoData's taskDiligence), or null for a guide of no seeded store.
 * @returns the share of tasks the guide does, 0–1.
 */
export function sandboxGuideDiligence(userid: string, storeDiligence: number | null): number {
  const base = storeDiligence ?? 0.6;
  return Math.min(0.98, Math.max(0.05, base + (unit(`diligence:${userid}`) - 0.5) * 0.16));
}

/**
 * Whether and when the guide works a task. Deterministic per guide and task, so a rerun (the
 * sandbox's worker every few minutes, a replayed demo) makes the same choice.
 *
 * @param userid the guide.
 * @param diligence from sandboxGuideDiligence.
 * @param task the task's id, when it was made and when it is due.
 * @returns the plan, or null when the guide leaves it undone.
 */
export function sandboxTaskPlan(userid: string, diligence: number, task: { id: string; createdAt: Date; dueAt: Date }): SandboxTaskPlan | null {
  const key = `${userid}:${task.id}`;
  if (unit(`work:${key}`) >= diligence) {
    return null;
  }
  const pick = unit(`result:${key}`);
  const result = pick < 0.6 ? "sent" : pick < 0.85 ? "contacted" : "noReply";
  const spread = unit(`when:${key}`);
  // A task made days ahead (a birthday next week) is worked on its last day, not the day it appears;
  // one made after its due time (the product learned of an add late: the demo's year of adds) as
  // if it had been there since its occasion.
  const dayBefore = task.dueAt.getTime() - 24 * HOUR;
  const start = task.createdAt.getTime() <= task.dueAt.getTime() ? Math.max(task.createdAt.getTime(), dayBefore) : dayBefore;
  const window = task.dueAt.getTime() - start;
  // The less diligent the guide, the more of what they do comes late.
  const late = window < 10 * 60_000 || unit(`late:${key}`) < (1 - diligence) * 0.4;
  const at = late ? Math.max(task.dueAt.getTime(), start) + HOUR + spread * 47 * HOUR : start + (0.05 + 0.9 * spread) * window;
  return { at: new Date(Math.round(at)), result };
}
