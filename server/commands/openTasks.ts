import { Task, type TaskAttrs } from "../models/Task.ts";
import { OpenTaskIndex } from "../models/OpenTaskIndex.ts";

/**
 * Note tasks as open on their customers (again for tasks an earlier run inserted: $addToSet).
 *
 * @param tasks the tasks.
 */
export async function indexOpenTasks(tasks: Pick<TaskAttrs, "_id" | "externalUserId">[]): Promise<void> {
  const byCustomer = new Map<string, string[]>();
  for (const task of tasks) {
    byCustomer.set(task.externalUserId, [...(byCustomer.get(task.externalUserId) ?? []), task._id]);
  }
  if (byCustomer.size === 0) {
    return;
  }
  await OpenTaskIndex.bulkWrite(
    [...byCustomer].map(([externalUserId, taskIds]) => ({ updateOne: { filter: { _id: externalUserId }, update: { $addToSet: { taskIds: { $each: taskIds } } }, upsert: true } })),
    { ordered: false },
  );
}

/**
 * @param task a task that is no longer open.
 */
export async function unindexTask(task: Pick<TaskAttrs, "_id" | "externalUserId">): Promise<void> {
  await OpenTaskIndex.updateOne({ _id: task.externalUserId }, { $pull: { taskIds: task._id } });
}

/**
 * The open tasks of some customers, read by key (the index, then each task by _id). A task the
 * index still names but that is no longer open (a crash between the move and the $pull) is
 * dropped from the index here.
 *
 * @param externalUserIds the customers.
 * @returns their open tasks.
 */
export async function openTasksOf(externalUserIds: string[]): Promise<TaskAttrs[]> {
  const indexes = await Promise.all([...new Set(externalUserIds)].map((id) => OpenTaskIndex.findById(id).lean()));
  const ids = indexes.flatMap((index) => index?.taskIds ?? []);
  const tasks = await Promise.all(ids.map((id) => Task.findById(id).lean<TaskAttrs>()));
  const open: TaskAttrs[] = [];
  await Promise.all(
    tasks.map(async (task, position) => {
      if (task?.state === "open") {
        open.push(task);
        return;
      }
      const stale = indexes.find((index) => index?.taskIds.includes(ids[position] as string));
      if (stale) {
        await OpenTaskIndex.updateOne({ _id: stale._id }, { $pull: { taskIds: ids[position] } });
      }
    }),
  );
  return open.sort((a, b) => a._id.localeCompare(b._id));
}
