// Tasks written straight into the database (and the customer's open-task index), as the task
// engine would leave them: these tests are about what the sidebar, the digest and the app's
// answer do with them.
import { indexOpenTasks } from "../../server/commands/openTasks.ts";
import { chinaDate } from "../../server/domain/chinaTime.ts";
import type { TaskKind, TaskResult } from "../../server/domain/tasks.ts";
import { Task } from "../../server/models/Task.ts";

/**
 * @param props the task's kind, guide, customer and due time; the rest plausible.
 * @returns the stored task's id.
 */
export async function aTask(props: {
  kind: TaskKind;
  userId: string;
  externalUserId: string;
  dueAt: Date;
  title?: string;
  suggestion?: string;
  memberId?: string | null;
  state?: "open" | "done" | "closed";
  doneAt?: Date;
  result?: TaskResult;
  closedReason?: string;
}): Promise<string> {
  const _id = `${props.kind}:${props.externalUserId}:${props.userId}:${props.dueAt.toISOString().slice(0, 10)}`;
  await Task.create({
    _id,
    kind: props.kind,
    userId: props.userId,
    storeId: "101",
    externalUserId: props.externalUserId,
    memberId: props.memberId ?? null,
    title: props.title ?? "请联系客户",
    suggestion: props.suggestion ?? "",
    dueAt: props.dueAt,
    dueDay: chinaDate(props.dueAt),
    state: props.state ?? "open",
    result: props.result ?? null,
    doneAt: props.doneAt ?? null,
    doneOnTime: props.doneAt ? props.doneAt <= props.dueAt : null,
    closedReason: props.closedReason ?? "",
    createdAt: new Date(props.dueAt.getTime() - 86_400_000),
  });
  // As the engine does: a customer's open tasks are found by key.
  if ((props.state ?? "open") === "open") {
    await indexOpenTasks([{ _id, externalUserId: props.externalUserId }]);
  }
  return _id;
}
