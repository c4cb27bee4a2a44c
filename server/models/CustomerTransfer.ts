import mongoose, { type InferSchemaType } from "mongoose";

export const TRANSFER_KINDS = ["resigned", "onjob"] as const;
export type TransferKind = (typeof TRANSFER_KINDS)[number];

export const TRANSFER_SUBJECTS = ["customer", "group"] as const;
export type TransferSubject = (typeof TRANSFER_SUBJECTS)[number];

/**
 * requested: written before WeCom is asked (a process dying after the call finds it and asks
 * again; WeCom's 40129 "already transferring" then means waiting). waiting: WeCom accepted it.
 * Final: done (transfer_result 1), customer_refused (3), takeover_full (4, or 40099 at the call),
 * failed (another errcode at the call, or 5: WeCom has no record).
 */
export const TRANSFER_STATES = ["requested", "waiting", "done", "customer_refused", "takeover_full", "failed"] as const;
export type TransferState = (typeof TRANSFER_STATES)[number];
export const FINAL_TRANSFER_STATES: TransferState[] = ["done", "customer_refused", "takeover_full", "failed"];

/**
 * One customer (or customer group) moved from a handover guide to a takeover guide, `_id`
 * `<kind>:<subject>:<handover>:<takeover>:<id>:<attempt>`; a retry is a new attempt, so the
 * history of a customer's transfers stays (the on-job limit counts it).
 */
const customerTransferSchema = new mongoose.Schema(
  {
    _id: { type: String, required: true },
    kind: { type: String, enum: TRANSFER_KINDS, required: true },
    subject: { type: String, enum: TRANSFER_SUBJECTS, default: "customer" },
    /** The customer's external_userid, or the group's chat_id. */
    targetId: { type: String, required: true },
    handoverUserId: { type: String, required: true },
    takeoverUserId: { type: String, required: true },
    /** The handover guide's store (main department), for managers' scope. */
    storeId: { type: String, default: null },
    attempt: { type: Number, default: 1 },
    state: { type: String, enum: TRANSFER_STATES, default: "requested" },
    /** WeCom's errcode at the call (0 accepted). */
    errcode: { type: Number, default: null },
    /** Why it did not go through, in Chinese. */
    reason: { type: String, default: "" },
    transferSuccessMsg: { type: String, default: "" },
    requestedBy: { type: String, default: "" },
    requestedAt: { type: Date, required: true },
    /** Set just before WeCom is asked, so a record still requested after a crash is known to be a resend. */
    calledAt: { type: Date, default: null },
    takeoverTime: { type: Date, default: null },
    finishedAt: { type: Date, default: null },
    /** A later attempt for the same customer and guide exists: this one is history, not to be retried. */
    supersededAt: { type: Date, default: null },
    /** Set once the follows and the member's guide link were moved after done. */
    movedAt: { type: Date, default: null },
  },
  { collection: "customer_transfers", versionKey: false },
);

// The pair's sync, the console list (by state, newest first), a customer's history (the on-job limit).
customerTransferSchema.index({ kind: 1, handoverUserId: 1, takeoverUserId: 1, state: 1 });
customerTransferSchema.index({ storeId: 1, state: 1, requestedAt: -1 });
customerTransferSchema.index({ state: 1, requestedAt: -1 });
customerTransferSchema.index({ targetId: 1, requestedAt: -1 });

export type CustomerTransferAttrs = InferSchemaType<typeof customerTransferSchema> & { _id: string };
export const CustomerTransfer = mongoose.model("CustomerTransfer", customerTransferSchema);

/**
 * @param parts kind, subject, guides, target and attempt.
 * @returns the transfer's _id.
 */
export function customerTransferId(parts: { kind: TransferKind; subject: TransferSubject; handoverUserId: string; takeoverUserId: string; targetId: string; attempt: number }): string {
  return [parts.kind, parts.subject, parts.handoverUserId, parts.takeoverUserId, parts.targetId, parts.attempt].join(":");
}
