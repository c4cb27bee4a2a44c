import type { CompletionFigures } from "../domain/tasks.ts";
import type { TaskAttrs } from "../models/Task.ts";
import { countCompletion, countCompletionMany, type CompletionFact } from "./completionRollup.ts";

type CountedTask = Pick<TaskAttrs, "_id" | "kind" | "userId" | "storeId" | "regionId" | "dueDay" | "doneOnTime">;

// Every move of a task counts on its due day, once per key: due:<id> when it is made, done:<id>
// when done (and on time), closed:<id> takes the due back when its reason went away, so a task
// that closed itself does not count against the guide.

const fact = (task: CountedTask, key: string, inc: Partial<CompletionFigures>): CompletionFact => ({
  userId: task.userId,
  storeId: task.storeId ?? null,
  regionId: task.regionId ?? null,
  day: task.dueDay,
  key: `${key}:${task._id}`,
  inc,
});

/**
 * @param task a task just made.
 * @returns the fact of its being due.
 */
export function dueFact(task: CountedTask): CompletionFact {
  return fact(task, "due", { tasksDue: 1, [`due_${task.kind}`]: 1, ...(task.kind === "greeting" ? { greetingsDue: 1 } : {}) });
}

/**
 * Count many new tasks at once (the daily generation), each once by its key.
 *
 * @param tasks the tasks inserted (or found inserted by an earlier run).
 * @returns how many were counted now.
 */
export async function countTasksDue(tasks: CountedTask[]): Promise<number> {
  // An event's one task goes through countCompletion, whose writes are batched with the other
  // events' in this process; the bulk path is for the daily job's thousands.
  if (tasks.length === 1) {
    return (await countCompletion(dueFact(tasks[0] as CountedTask))) ? 1 : 0;
  }
  return tasks.length > 0 ? countCompletionMany(tasks.map(dueFact)) : 0;
}

/**
 * @param task a task just made (an event's).
 * @returns true when counted now.
 */
export async function countTaskDue(task: CountedTask): Promise<boolean> {
  return countCompletion(dueFact(task));
}

/**
 * @param task a task just done (doneOnTime set).
 * @returns true when counted now.
 */
export async function countTaskDone(task: CountedTask): Promise<boolean> {
  const onTime = task.doneOnTime ? { tasksOnTime: 1, [`onTime_${task.kind}`]: 1, ...(task.kind === "greeting" ? { greetingsOnTime: 1 } : {}) } : {};
  return countCompletion(fact(task, "done", { tasksDone: 1, [`done_${task.kind}`]: 1, ...onTime }));
}

/**
 * @param task a task that closed itself.
 * @returns true when counted now.
 */
export async function countTaskClosed(task: CountedTask): Promise<boolean> {
  return countCompletion(fact(task, "closed", { tasksDue: -1, [`due_${task.kind}`]: -1, ...(task.kind === "greeting" ? { greetingsDue: -1 } : {}) }));
}
