import mongoose, { type InferSchemaType } from "mongoose";

/**
 * A customer deleting a guide (流失): one per follow and deletion time. The _id is
 * `<external_userid>:<userid>:<deleted at ms>`, so a retried del_follow_user records it once, and a
 * customer who comes back and leaves again is a second loss.
 */
const customerLossSchema = new mongoose.Schema(
  {
    _id: { type: String, required: true },
    externalUserId: { type: String, required: true },
    customerName: { type: String, default: "" },
    userId: { type: String, required: true },
    /** The guide's store when the loss happened (a department id as a string), null if none. */
    storeId: { type: String, default: null },
    /** The channel code (follow state) the customer came through. */
    state: { type: String, default: "" },
    addedAt: { type: Date, default: null },
    deletedAt: { type: Date, required: true },
    /** Whole days between add and deletion; null when the add was never seen. */
    daysSinceAdd: { type: Number, default: null },
    /** pending until the app message is sent, skipped where no agent is configured, failed with WeCom's answer. */
    notice: { type: String, enum: ["pending", "sent", "skipped", "failed"], default: "pending" },
    noticeError: { type: String, default: null },
    notifiedUserIds: { type: [String], default: [] },
  },
  { collection: "customer_losses", timestamps: true, versionKey: false },
);

// The console lists newest first, cut by store, guide or channel.
customerLossSchema.index({ deletedAt: -1 });
customerLossSchema.index({ storeId: 1, deletedAt: -1 });
customerLossSchema.index({ userId: 1, deletedAt: -1 });
customerLossSchema.index({ state: 1, deletedAt: -1 });

export type CustomerLossAttrs = InferSchemaType<typeof customerLossSchema>;
export const CustomerLoss = mongoose.model("CustomerLoss", customerLossSchema);
