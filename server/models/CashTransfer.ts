import mongoose, { type InferSchemaType } from "mongoose";
import { BILL_STATES, FINAL_BILL_STATES, type BillState } from "../domain/cashTransfer.ts";

export { BILL_STATES, FINAL_BILL_STATES, type BillState };

/**
 * Where a payout stands on our side. `creating`: a create was sent and its answer is not known
 * (a timeout, a 5xx) — the bill may or may not exist, so the next step is always a query.
 * `absent`: WeChat Pay confirmed no bill exists under the current out_bill_no (a refused create
 * or a query answering NOT_FOUND), so creating under it again cannot pay twice.
 */
export const LOCAL_STATES = ["creating", "absent", "bill"] as const;

/** One out_bill_no tried for a win; a new one is only opened once the previous bill is final. */
const attemptSchema = new mongoose.Schema(
  {
    outBillNo: { type: String, required: true },
    startedAt: { type: Date, required: true },
    endedState: { type: String, default: null },
    failReason: { type: String, default: null },
    retriedBy: { type: String, default: null },
  },
  { _id: false },
);

/**
 * One cash payout per win, `_id` = winId: the key the draw, the notification and the polling job
 * all read by. `outBillNo` is derived from the win and its attempt number, so a retried request
 * can never open a second bill for the same attempt.
 */
const cashTransferSchema = new mongoose.Schema(
  {
    _id: { type: String, required: true },
    outBillNo: { type: String, required: true },
    attempt: { type: Number, required: true, default: 1 },
    attempts: { type: [attemptSchema], default: [] },
    // The recipient; never logged (personal data).
    openid: { type: String, required: true },
    appId: { type: String, required: true },
    mchId: { type: String, required: true },
    amountFen: { type: Number, required: true },
    remark: { type: String, required: true },
    activityName: { type: String, required: true },
    rewardDescription: { type: String, required: true },
    local: { type: String, enum: LOCAL_STATES, required: true, default: "creating" },
    billState: { type: String, enum: [...BILL_STATES, null], default: null },
    transferBillNo: { type: String, default: null },
    packageInfo: { type: String, default: null },
    failReason: { type: String, default: null },
    // Why the last call failed without an answer from WeChat Pay (timeout, 5xx); for the operator.
    lastError: { type: String, default: null },
    billCreatedAt: { type: Date, default: null },
    polls: { type: Number, default: 0 },
    nextPollAt: { type: Date, default: null },
    // The last notification applied, so a replay of the same one changes nothing.
    notificationIds: { type: [String], default: [] },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    finishedAt: { type: Date, default: null },
    // For the console's list filter only; the payout paths read by _id.
    drawId: { type: String, default: null },
    // The winner as a WeCom customer, where known: the console shows their name.
    externalUserId: { type: String, default: null },
  },
  { collection: "cash_transfers", versionKey: false },
);

cashTransferSchema.index({ createdAt: -1 });
cashTransferSchema.index({ drawId: 1, createdAt: -1 });

export type CashTransferAttrs = InferSchemaType<typeof cashTransferSchema> & { _id: string };
export const CashTransfer = mongoose.model("CashTransfer", cashTransferSchema);

/**
 * out_bill_no → winId, so a notification (which names only the bill) finds its payout by key.
 * Written before the bill is created; one per attempt.
 */
const cashBillNoSchema = new mongoose.Schema(
  {
    _id: { type: String, required: true },
    winId: { type: String, required: true },
  },
  { collection: "cash_bill_nos", versionKey: false },
);

export const CashBillNo = mongoose.model("CashBillNo", cashBillNoSchema);
