import mongoose, { type InferSchemaType } from "mongoose";

export const DRAW_AUDIT_KINDS = ["draw", "win", "stock", "payout", "fulfilment", "grant", "edit", "status"] as const;
export type DrawAuditKind = (typeof DRAW_AUDIT_KINDS)[number];

/**
 * Append-only: every draw, win, stock or budget change, payout request and fulfilment change.
 * `detail` holds ids and amounts only, never an openid, phone or address.
 */
const drawAuditSchema = new mongoose.Schema(
  {
    drawId: { type: mongoose.Schema.Types.ObjectId, required: true },
    kind: { type: String, enum: DRAW_AUDIT_KINDS, required: true },
    /** A console user's id, or "participant" / "system". */
    actor: { type: String, required: true },
    participantKeyHash: { type: String, default: null },
    winId: { type: String, default: null },
    detail: { type: mongoose.Schema.Types.Mixed, default: () => ({}) },
    at: { type: Date, required: true },
  },
  { collection: "draw_audits", versionKey: false, minimize: false },
);

drawAuditSchema.index({ drawId: 1, at: -1 });

export type DrawAuditAttrs = InferSchemaType<typeof drawAuditSchema>;
export const DrawAudit = mongoose.model("DrawAudit", drawAuditSchema);
