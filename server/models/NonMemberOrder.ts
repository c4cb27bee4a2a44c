import mongoose, { type InferSchemaType } from "mongoose";

/**
 * A sale that could not be given to a member (no phone or unionid): rejected for membership,
 * kept only so member share of orders and GMV can be measured. Keyed `<channel>:<orderNo>`.
 */
const nonMemberOrderSchema = new mongoose.Schema(
  {
    _id: { type: String, required: true },
    channel: { type: String, required: true },
    amount: { type: Number, required: true },
    paidAt: { type: Date, required: true },
    storeId: { type: String, default: null },
  },
  { collection: "non_member_orders", versionKey: false },
);

export type NonMemberOrderAttrs = InferSchemaType<typeof nonMemberOrderSchema>;
export const NonMemberOrder = mongoose.model("NonMemberOrder", nonMemberOrderSchema);
