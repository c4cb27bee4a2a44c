import type { CompletionFigures } from "../domain/tasks.ts";
import { Task, type TaskAttrs } from "../models/Task.ts";
import { countCompletion } from "./completionRollup.ts";
import { openTasksOf } from "./openTasks.ts";

type Place = { storeId: string | null; regionId: string | null };

const dueOf = (task: Pick<TaskAttrs, "kind">, sign: 1 | -1): Partial<CompletionFigures> => ({
  tasksDue: sign,
  [`due_${task.kind}`]: sign,
  ...(task.kind === "greeting" ? { greetingsDue: sign } : {}),
});

/**
 * A customer's open tasks follow the customer to the guide who took them over: same `_id` (so
 * the daily generation does not make them again), the new guide's store and region, and the due
 * moved from the old guide's day to the new guide's, each side counted once by its key. The counts
 * go first and the move after, so a crash in between is finished by the next run without counting
 * twice.
 *
 * @param props the customer, the guides and the new guide's place.
 * @returns how many tasks moved.
 */
export default async function taskTransferer({ externalUserId, from, to, place }: { externalUserId: string; from: string; to: string; place: Place }): Promise<number> {
  const tasks = (await openTasksOf([externalUserId])).filter((task) => task.userId === from);
  let moved = 0;
  for (const task of tasks) {
    await countCompletion({ day: task.dueDay, userId: from, storeId: task.storeId ?? null, regionId: task.regionId ?? null, key: `transferOut:${task._id}:${to}`, inc: dueOf(task, -1) });
    await countCompletion({ day: task.dueDay, userId: to, ...place, key: `transferIn:${task._id}:${from}`, inc: dueOf(task, 1) });
    const { modifiedCount } = await Task.updateOne({ _id: task._id, userId: from, state: "open" }, { $set: { userId: to, ...place } });
    moved += modifiedCount;
  }
  return moved;
}
