import mongoose, { type InferSchemaType } from "mongoose";

const itemSchema = new mongoose.Schema(
  { sku: String, name: String, category: String, quantity: Number, amount: Number },
  { _id: false },
);

/** A purchase from any channel. The _id is `<channel>:<orderNo>`, which makes imports idempotent. */
const orderSchema = new mongoose.Schema(
  {
    _id: { type: String, required: true },
    channel: { type: String, required: true },
    orderNo: { type: String, required: true },
    memberId: { type: mongoose.Schema.Types.ObjectId, required: true },
    /** Paid amount in fen. */
    amount: { type: Number, required: true },
    /** Refunded so far, in fen. */
    refundedAmount: { type: Number, default: 0 },
    status: { type: String, enum: ["paid", "partially_refunded", "refunded"], required: true },
    paidAt: { type: Date, required: true },
    items: { type: [itemSchema], default: [] },
    storeId: { type: String, default: null },
    guideUserId: { type: String, default: null },
  },
  { collection: "orders", timestamps: true, versionKey: false },
);

orderSchema.index({ memberId: 1, paidAt: -1 });

export type OrderAttrs = InferSchemaType<typeof orderSchema>;
export const Order = mongoose.model("Order", orderSchema);
