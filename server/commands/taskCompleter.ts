import type { TaskResult } from "../domain/tasks.ts";
import { AuthorizationError, NotFoundError } from "../errors.ts";
import { Task, type TaskAttrs } from "../models/Task.ts";
import { openTasksOf, unindexTask } from "./openTasks.ts";
import { countTaskDone, countTaskDue } from "./taskCounts.ts";

interface CompleteProps {
  taskId: string;
  /** Who did it: only the task's own guide may. */
  userId: string;
  result: TaskResult;
  at: Date;
}

/**
 * Mark a task done: one conditional update open → done, so two calls (a double tap, the sidebar's
 * "sent" and a note at once) do it once. A task found done already is counted again (by its key,
 * so nothing moves twice) in case the process died between the update and the count.
 *
 * @param props the task, the guide, the result and when.
 * @returns the task after, and whether this call moved it.
 * @throws 404 for no such task, 403 when it is another guide's.
 */
export async function completeTask({ taskId, userId, result, at }: CompleteProps): Promise<{ task: TaskAttrs; changed: boolean }> {
  const task = await Task.findById(taskId).lean<TaskAttrs>();
  if (!task) {
    throw NotFoundError("任务");
  }
  if (task.userId !== userId) {
    throw AuthorizationError("该任务不是您的任务");
  }
  const done = await Task.findOneAndUpdate(
    { _id: taskId, userId, state: "open" },
    { $set: { state: "done", result, doneAt: at, doneOnTime: at.getTime() <= task.dueAt.getTime() } },
    { returnDocument: "after" },
  ).lean<TaskAttrs>();
  const after = done ?? (await Task.findById(taskId).lean<TaskAttrs>()) ?? task;
  if (after.state === "done") {
    // Due before done: a task whose due count a crash cut off is counted now (keyed: once).
    if (!after.counted) {
      await countTaskDue(after);
    }
    await countTaskDone(after);
    await unindexTask(after);
  }
  return { task: after, changed: done !== null };
}

/**
 * What a guide did for a customer settles their open tasks for that customer: a message sent from
 * the sidebar, a note, a benefit redeemed. Other guides' tasks for the same customer stay open.
 *
 * @param props the customer, the guide, what they did and when.
 * @returns the tasks this call marked done.
 */
export async function completeTasksByAction(props: { externalUserId: string; userId: string; action: Extract<TaskResult, "sent" | "note" | "redeemed">; at: Date }): Promise<TaskAttrs[]> {
  const open = (await openTasksOf([props.externalUserId])).filter((task) => task.userId === props.userId);
  const moved: TaskAttrs[] = [];
  for (const task of open) {
    const { task: after, changed } = await completeTask({ taskId: task._id, userId: props.userId, result: props.action, at: props.at });
    if (changed) {
      moved.push(after);
    }
  }
  return moved;
}
