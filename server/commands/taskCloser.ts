import { claimOfTask } from "../domain/taskOccasions.ts";
import type { TaskKind } from "../domain/tasks.ts";
import { Member } from "../models/Member.ts";
import { OpenTaskIndex } from "../models/OpenTaskIndex.ts";
import { Task, type TaskAttrs } from "../models/Task.ts";
import { openTasksOf, unindexTask } from "./openTasks.ts";
import { completeTask, completeTasksByAction } from "./taskCompleter.ts";
import { countTaskClosed, countTaskDue } from "./taskCounts.ts";
import { levelUpTask } from "./taskEvents.ts";

// Tasks whose reason went away close themselves (closed, with the reason in the guide's words),
// and take their due back from the day's completion: the guide is not judged on them.

/**
 * Close one open task, once (a conditional update on state). A task found closed already is
 * counted and unlisted again, by key, in case the process died between the update and those.
 *
 * @param task the task as read.
 * @param reason why, in Chinese.
 * @returns true when this call closed it.
 */
export async function closeTask(task: Pick<TaskAttrs, "_id">, reason: string): Promise<boolean> {
  const closed = await Task.findOneAndUpdate({ _id: task._id, state: "open" }, { $set: { state: "closed", closedReason: reason } }, { returnDocument: "after" }).lean<TaskAttrs>();
  const after = closed ?? (await Task.findById(task._id).lean<TaskAttrs>());
  if (after?.state === "closed") {
    // A task whose due count a crash cut off is counted first, so taking it back never goes below 0.
    if (!after.counted) {
      await countTaskDue(after);
    }
    await countTaskClosed(after);
    await unindexTask(after);
  }
  return closed !== null;
}

async function customersOf(memberId: string): Promise<string[]> {
  const member = /^[0-9a-f]{24}$/.test(memberId) ? await Member.findById(memberId, { externalUserIds: 1 }).lean() : null;
  return member?.externalUserIds ?? [];
}

const PURCHASE_CLOSES: TaskKind[] = ["silent", "repurchaseDue"];

/**
 * The member bought: silent and repurchase-due tasks measured from an earlier purchase close.
 *
 * @param props the member, when the order was paid, and the clock.
 * @returns the tasks closed.
 */
export async function closeTasksOnPurchase(props: { memberId: string; paidAt: Date; at: Date }): Promise<string[]> {
  const open = await openTasksOf(await customersOf(props.memberId));
  const closing = open.filter((task) => task.memberId === props.memberId && PURCHASE_CLOSES.includes(task.kind as TaskKind) && (!task.basisAt || task.basisAt.getTime() < props.paidAt.getTime()));
  const closed: string[] = [];
  for (const task of closing) {
    if (await closeTask(task, "客户已复购")) {
      closed.push(task._id);
    }
  }
  return closed;
}

/**
 * The bulk order import's part of what orderRecorder does per order: members lifted by the run get
 * their level-up task, and members with open tasks have them closed by their newest purchase. Open
 * tasks are looked up 100 customers a query, so members without any cost no more than that.
 *
 * @param members each member of the run with its customers, its newest paid time and whether it was lifted.
 * @param now the clock.
 */
export async function settleTasksOnImportedOrders(members: { memberId: string; externalUserIds: string[]; lastPaidAt: Date | null; upgraded: boolean }[], now: Date): Promise<void> {
  for (const member of members.filter((candidate) => candidate.upgraded)) {
    await levelUpTask({ memberId: member.memberId, now });
  }
  const buyers = members.filter((member) => member.lastPaidAt && member.externalUserIds.length > 0);
  const customers = buyers.flatMap((member) => member.externalUserIds);
  const withTasks = new Set<string>();
  for (let start = 0; start < customers.length; start += 100) {
    const found = await OpenTaskIndex.find({ _id: { $in: customers.slice(start, start + 100) }, "taskIds.0": { $exists: true } }, { _id: 1 }).lean();
    found.forEach((index) => withTasks.add(index._id));
  }
  for (const member of buyers.filter((buyer) => buyer.externalUserIds.some((id) => withTasks.has(id)))) {
    await closeTasksOnPurchase({ memberId: member.memberId, paidAt: member.lastPaidAt as Date, at: now });
  }
}

/**
 * A benefit was redeemed: its expiring task is done (result redeemed) when the task's own guide
 * redeemed it, and closes otherwise (a colleague or the store did it); the redeeming guide's other
 * open tasks for the member are done too (they met the customer).
 *
 * @param props the claim's slot, the member, who redeemed it (null: the API or a store) and when;
 *   `othersToo: false` settles only the claim's own task (the daily job's repair after a crash).
 * @returns the tasks done and closed.
 */
export async function settleTasksOnRedemption(props: { claimSlot: string; memberId: string; userId: string | null; at: Date; othersToo?: boolean }): Promise<{ done: string[]; closed: string[] }> {
  const customers = await customersOf(props.memberId);
  const open = await openTasksOf(customers);
  const done: string[] = [];
  const closed: string[] = [];
  for (const task of open.filter((candidate) => candidate.kind === "benefitExpiring" && claimOfTask(candidate._id) === props.claimSlot)) {
    if (task.userId === props.userId) {
      if ((await completeTask({ taskId: task._id, userId: task.userId, result: "redeemed", at: props.at })).changed) {
        done.push(task._id);
      }
    } else if (await closeTask(task, "权益已核销")) {
      closed.push(task._id);
    }
  }
  if (props.userId && props.othersToo !== false) {
    for (const externalUserId of customers) {
      const moved = await completeTasksByAction({ externalUserId, userId: props.userId, action: "redeemed", at: props.at });
      done.push(...moved.map((task) => task._id));
    }
  }
  return { done, closed };
}

/**
 * The customer deleted the guide, or the guide the customer: that follow's open tasks close.
 *
 * @param props the follow, who ended it and when.
 * @returns the tasks closed.
 */
export async function closeTasksOnFollowEnd(props: { externalUserId: string; userId: string; by: "customer" | "guide"; at: Date }): Promise<string[]> {
  const open = (await openTasksOf([props.externalUserId])).filter((task) => task.userId === props.userId);
  const closed: string[] = [];
  for (const task of open) {
    if (await closeTask(task, props.by === "customer" ? "客户已删除导购" : "导购已删除客户")) {
      closed.push(task._id);
    }
  }
  return closed;
}
