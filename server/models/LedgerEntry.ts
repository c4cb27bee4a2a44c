import mongoose, { type InferSchemaType } from "mongoose";

/**
 * Every change of growth or points. The _id is `<account>:<source id>` (e.g.
 * `points:order:tmall:123`), so replaying an order or a task can never count twice.
 */
const ledgerEntrySchema = new mongoose.Schema(
  {
    _id: { type: String, required: true },
    account: { type: String, enum: ["growth", "points"], required: true },
    memberId: { type: mongoose.Schema.Types.ObjectId, required: true },
    delta: { type: Number, required: true },
    reason: { type: String, required: true },
    sourceId: { type: String, required: true },
    /** pending until the balance moved; a spend refused for lack of points is removed. */
    state: { type: String, enum: ["pending", "applied"], default: "applied" },
    at: { type: Date, required: true },
    /** Points earned expire then (null: never). */
    expiresAt: { type: Date, default: null },
  },
  { collection: "ledger_entries", versionKey: false },
);

ledgerEntrySchema.index({ memberId: 1, at: -1 });

export type LedgerEntryAttrs = InferSchemaType<typeof ledgerEntrySchema>;
export const LedgerEntry = mongoose.model("LedgerEntry", ledgerEntrySchema);
