// The sandbox's guides at work on the product's tasks (the sidebar's 我的任务): each does some and
// leaves others, by their store's habit and their own (guideBehaviour.ts), so the completion pages
// show real spread. A task a guide works is done the way the sidebar does it, through the task
// engine's own command (completeTask: "sent" as the sidebar's sent route, 联系上了 / 无回复 as its
// done route), dated when the guide's habit planned it; a sent message also joins the chat's
// transcript, as the sidebar's JS-SDK stand-in would put it there. Safe to run any number of
// times: the plan is fixed per guide and task, and completeTask moves a task once.
import { completeTask } from "../../commands/taskCompleter.ts";
import { getLogger } from "../../logging/logger.ts";
import { Task } from "../../models/Task.ts";
import { mapLimit } from "../../utils/async.ts";
import { STORES } from "../demoData.ts";
import { sandboxGuideDiligence, sandboxTaskPlan } from "../guideBehaviour.ts";
import { sandboxFollowId, SandboxFollow, SandboxMessage, SandboxUser } from "../models/index.ts";

/** What one pass did. */
export interface TaskWorkCounts {
  /** Tasks the guides worked now (their planned time had come). */
  done: number;
  /** Open tasks the guides will work later, and those they leave undone. */
  later: number;
  left: number;
}

const STORE_DILIGENCE = new Map(STORES.map((store) => [store.id, store.taskDiligence]));
const diligenceOf = (user: { userid: string; main_department: number }) => sandboxGuideDiligence(user.userid, STORE_DILIGENCE.get(user.main_department) ?? null);

/** The sandbox's active members and how diligent each is. */
async function diligenceByGuide(): Promise<Map<string, number>> {
  const users = await SandboxUser.find({ status: 1 }, { userid: 1, main_department: 1 }).lean();
  return new Map(users.map((user) => [user.userid, diligenceOf(user)]));
}

/**
 * @param userid a sandbox member.
 * @returns the share of their tasks they do (for the sandbox page), or null for no such active member.
 */
export async function guideDiligence(userid: string): Promise<number | null> {
  const user = await SandboxUser.findOne({ _id: userid, status: 1 }, { userid: 1, main_department: 1 }).lean();
  return user ? diligenceOf(user) : null;
}

/** The suggested message lands in the chat window, once (the task moved now, so this runs once). */
async function recordSent(task: { userId: string; externalUserId: string; suggestion?: string | null }, at: Date): Promise<void> {
  if (!task.suggestion || !(await SandboxFollow.exists({ _id: sandboxFollowId(task.externalUserId, task.userId) }))) {
    return;
  }
  await SandboxMessage.create({ from: task.userId, to: task.externalUserId, external_userid: task.externalUserId, userid: task.userId, text: task.suggestion, at, kind: "sent_by_sidebar" });
}

/**
 * Every sandbox guide works the open tasks whose planned time has come.
 *
 * @param now the sandbox clock: tasks planned after it wait for a later pass.
 * @param options concurrency of the completions (default 8).
 * @returns what was done now, what waits and what the guides leave.
 */
export async function workSandboxGuideTasks(now: Date, options: { concurrency?: number } = {}): Promise<TaskWorkCounts> {
  const diligence = await diligenceByGuide();
  const counts: TaskWorkCounts = { done: 0, later: 0, left: 0 };
  if (diligence.size === 0) {
    return counts;
  }
  const open = await Task.find({ state: "open", userId: { $in: [...diligence.keys()] } }, { userId: 1, externalUserId: 1, suggestion: 1, createdAt: 1, dueAt: 1 }).lean();
  const due = open.flatMap((task) => {
    const plan = sandboxTaskPlan(task.userId, diligence.get(task.userId) ?? 0, { id: task._id, createdAt: task.createdAt, dueAt: task.dueAt });
    if (!plan) {
      counts.left += 1;
      return [];
    }
    if (plan.at.getTime() > now.getTime()) {
      counts.later += 1;
      return [];
    }
    return [{ task, plan }];
  });
  await mapLimit(due, options.concurrency ?? 8, async ({ task, plan }) => {
    const { changed } = await completeTask({ taskId: task._id, userId: task.userId, result: plan.result, at: plan.at });
    if (changed) {
      counts.done += 1;
      if (plan.result === "sent") {
        await recordSent(task, plan.at);
      }
    }
  });
  return counts;
}

/**
 * The guides' working day while the sandbox runs: a pass every few minutes (never two at once).
 *
 * @param options the sandbox clock and how often (default every 5 minutes; the first pass 30 s after start).
 * @returns how to stop it.
 */
export function startSandboxTaskWorker(options: { now: () => Date; everyMs?: number; firstAfterMs?: number }): { stop(): void } {
  const log = getLogger("lifecycle", { component: "sandbox-task-worker" });
  let running = false;
  const pass = async () => {
    if (running) {
      return;
    }
    running = true;
    try {
      const counts = await workSandboxGuideTasks(options.now());
      if (counts.done > 0) {
        log.info({ counts }, "sandbox guides worked their tasks");
      }
    } catch (error) {
      log.warn({ err: error }, "sandbox guides could not work their tasks");
    } finally {
      running = false;
    }
  };
  const first = setTimeout(() => void pass(), options.firstAfterMs ?? 30_000);
  const timer = setInterval(() => void pass(), options.everyMs ?? 5 * 60_000);
  first.unref();
  timer.unref();
  return {
    stop() {
      clearTimeout(first);
      clearInterval(timer);
    },
  };
}
