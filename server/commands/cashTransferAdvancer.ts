import mongoose from "mongoose";
import { getLogger } from "../logging/logger.ts";
import { CashTransfer, FINAL_BILL_STATES, type BillState, type CashTransferAttrs } from "../models/CashTransfer.ts";
import { CONFIRM_WINDOW_MS, failReasonText, viewStateOf } from "../domain/cashTransfer.ts";
import { audit } from "./drawAuditor.ts";
import type { CallOptions, PayCall, TransferBill, WeChatPayClient } from "../wechatpay/client.ts";
import { backoffMs, schedulePoll } from "./cashTransferTimer.ts";

// Looked up per line: a logger made at import time would miss the level and destination set at boot.
const log = () => getLogger("wechatpay");

/**
 * WeChat Pay closes an unconfirmed bill after about 24 h, sometimes late (wecom-reference §9.4).
 * An hour past that we cancel it ourselves, so it reaches a final state and may be retried.
 */
export const CANCEL_UNCONFIRMED_AFTER_MS = CONFIRM_WINDOW_MS + 60 * 60 * 1000;

export type StoredTransfer = CashTransferAttrs;

/**
 * Apply a bill as WeChat Pay reported it (create, query or notification). Conditional on the
 * attempt still being current and not yet final, so a late or replayed report changes nothing.
 *
 * @param winId the payout.
 * @param bill the bill.
 * @param now the clock.
 * @param notificationId the notification's id, when it came from one.
 * @returns whether anything changed.
 */
export async function applyBill(winId: string, bill: TransferBill, now: Date, notificationId?: string): Promise<boolean> {
  const final = FINAL_BILL_STATES.includes(bill.state);
  const set: Record<string, unknown> = { local: "bill", billState: bill.state, updatedAt: now, lastError: null };
  if (bill.transfer_bill_no) {
    set.transferBillNo = bill.transfer_bill_no;
  }
  if (bill.package_info) {
    set.packageInfo = bill.package_info;
  }
  if (bill.create_time && !Number.isNaN(Date.parse(bill.create_time))) {
    set.billCreatedAt = new Date(bill.create_time);
  }
  if (bill.fail_reason) {
    set.failReason = bill.fail_reason;
  }
  if (final) {
    set.finishedAt = now;
    set.nextPollAt = null;
  }
  const result = await CashTransfer.updateOne(
    { _id: winId, outBillNo: bill.out_bill_no, billState: { $nin: FINAL_BILL_STATES } },
    notificationId ? { $set: set, $push: { notificationIds: { $each: [notificationId], $slice: -20 } } } : { $set: set },
  );
  if (result.modifiedCount > 0) {
    log().info({ winId, state: bill.state, failReason: bill.fail_reason }, "cash transfer state");
    if (final) {
      await auditSettled(winId, bill, now);
    }
  }
  return result.modifiedCount > 0;
}

/** The draw's audit log holds how each payout ended, not only that it was asked for. */
async function auditSettled(winId: string, bill: TransferBill, now: Date): Promise<void> {
  const transfer = await CashTransfer.findById(winId, { drawId: 1, amountFen: 1 }).lean();
  if (!transfer?.drawId || !mongoose.isValidObjectId(transfer.drawId)) {
    return;
  }
  const detail = { action: "settled", amountFen: transfer.amountFen, state: viewStateOf(bill.state), failReason: bill.fail_reason ? failReasonText(bill.fail_reason) : null };
  await audit({ drawId: new mongoose.Types.ObjectId(transfer.drawId), kind: "payout", actor: "system", winId, detail, at: now });
}

async function markUnknown(transfer: StoredTransfer, reason: string, now: Date): Promise<void> {
  await CashTransfer.updateOne({ _id: transfer._id, outBillNo: transfer.outBillNo, local: { $ne: "bill" } }, { $set: { local: "creating", lastError: reason, updatedAt: now } });
}

/**
 * Create the current attempt's bill. A create without a clear answer is followed at once by a
 * query of the same out_bill_no, before anything else (wecom-reference §7.2).
 *
 * @param client WeChat Pay.
 * @param transfer the payout (local absent: no bill under its out_bill_no).
 * @param now the clock.
 * @param options a shorter timeout for each call (inside a person's request).
 */
export async function createBill(client: WeChatPayClient, transfer: StoredTransfer, now: Date, options: CallOptions = {}): Promise<void> {
  // Marked before sending: if this process dies mid-call, the next step is a query, not a create.
  await CashTransfer.updateOne({ _id: transfer._id, outBillNo: transfer.outBillNo, local: "absent" }, { $set: { local: "creating", updatedAt: now } });
  const created = await client.createBill({
    outBillNo: transfer.outBillNo,
    openid: transfer.openid,
    amountFen: transfer.amountFen,
    remark: transfer.remark,
    activityName: transfer.activityName,
    rewardDescription: transfer.rewardDescription,
  }, options);
  if (created.kind === "answered") {
    await applyBill(transfer._id, created.data, now);
    return;
  }
  log().warn({ winId: transfer._id, outcome: created.kind, reason: created.kind === "refused" ? created.code : created.reason }, "cash transfer create not answered with a bill; querying");
  await queryBill(client, { ...transfer, local: "creating" }, now, created, options);
}

/**
 * Ask WeChat Pay for the current attempt's bill and apply what it says.
 *
 * @param client WeChat Pay.
 * @param transfer the payout.
 * @param now the clock.
 * @param createRefusal the create's refusal this query follows, if any: with no bill, it becomes the fail reason.
 * @param options a shorter timeout.
 */
export async function queryBill(client: WeChatPayClient, transfer: StoredTransfer, now: Date, createRefusal?: PayCall<TransferBill>, options: CallOptions = {}): Promise<void> {
  const queried = await client.queryBill(transfer.outBillNo, options);
  if (queried.kind === "answered") {
    await applyBill(transfer._id, queried.data, now);
    return;
  }
  if (queried.kind === "refused" && queried.code === "NOT_FOUND") {
    // No bill exists under this number: creating under it again cannot pay twice. A create that
    // was refused outright (4xx) is a failure the operator sees and may retry; a create that got
    // no answer is tried again by the job.
    const failReason = createRefusal?.kind === "refused" ? `${createRefusal.code}${createRefusal.message ? `: ${createRefusal.message}` : ""}` : null;
    await CashTransfer.updateOne({ _id: transfer._id, outBillNo: transfer.outBillNo, local: { $ne: "bill" } }, { $set: { local: "absent", failReason, updatedAt: now, lastError: null } });
    return;
  }
  const reason = queried.kind === "refused" ? queried.code : queried.reason;
  await markUnknown(transfer, createRefusal?.kind === "unknown" ? createRefusal.reason : reason, now);
}

/**
 * One step toward a final state, by the payout's key: create what does not exist, query what is
 * unknown or pending, cancel an unconfirmed bill past its window; then set the next poll.
 *
 * @param client WeChat Pay.
 * @param winId the payout.
 * @param now the clock.
 * @returns the state reached and whether another poll was set.
 */
export async function advanceTransfer(client: WeChatPayClient, winId: string, now: Date): Promise<{ state: string; polled: boolean }> {
  const transfer = await CashTransfer.findById(winId).lean<StoredTransfer>();
  if (!transfer) {
    return { state: "missing", polled: false };
  }
  if (isSettled(transfer)) {
    return { state: settledState(transfer), polled: false };
  }
  if (transfer.local === "absent") {
    await createBill(client, transfer, now);
  } else if (transfer.local === "creating") {
    await queryBill(client, transfer, now);
  } else if (transfer.billState === "WAIT_USER_CONFIRM" && transfer.billCreatedAt && now.getTime() - transfer.billCreatedAt.getTime() > CANCEL_UNCONFIRMED_AFTER_MS) {
    const cancelled = await client.cancelBill(transfer.outBillNo);
    log().info({ winId, outcome: cancelled.kind, state: cancelled.kind === "answered" ? cancelled.data.state : undefined }, "unconfirmed cash transfer past its window: cancel asked");
    await queryBill(client, transfer, now);
  } else {
    await queryBill(client, transfer, now);
  }
  return scheduleNext(winId, now);
}

/**
 * Set the payout's next poll unless it is settled.
 *
 * @param winId the payout.
 * @param now the clock.
 * @returns the state and whether a poll was set.
 */
export async function scheduleNext(winId: string, now: Date): Promise<{ state: string; polled: boolean }> {
  const after = await CashTransfer.findById(winId).lean<StoredTransfer>();
  if (!after || isSettled(after)) {
    return { state: after ? settledState(after) : "missing", polled: false };
  }
  const at = new Date(now.getTime() + backoffMs(after.polls));
  await CashTransfer.updateOne({ _id: winId }, { $set: { nextPollAt: at }, $inc: { polls: 1 } });
  await schedulePoll(winId, at);
  return { state: after.billState ?? after.local, polled: true };
}

/**
 * @param transfer the payout.
 * @returns true when nothing more happens without an operator: a final bill, or a create WeChat Pay refused.
 */
export function isSettled(transfer: Pick<StoredTransfer, "local" | "billState" | "failReason">): boolean {
  if (transfer.local === "bill") {
    return FINAL_BILL_STATES.includes(transfer.billState as BillState);
  }
  return transfer.local === "absent" && Boolean(transfer.failReason);
}

function settledState(transfer: StoredTransfer): string {
  return transfer.billState ?? "REFUSED";
}
