import mongoose, { type InferSchemaType } from "mongoose";
import { FULFILMENT_STATUSES, PRIZE_KINDS } from "../domain/drawShapes.ts";

export { FULFILMENT_STATUSES, type FulfilmentStatus } from "../domain/drawShapes.ts";

const addressSchema = new mongoose.Schema(
  {
    name: { type: String, required: true },
    /** Protected like every phone: encrypted, hashed and masked (security/personalData.ts). */
    phoneEncrypted: { type: String, required: true },
    phoneMasked: { type: String, required: true },
    region: { type: String, required: true },
    detail: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { _id: false },
);

/** A prize won. `_id` is derived from the draw record, so a retried draw finds the same win. */
const drawWinSchema = new mongoose.Schema(
  {
    _id: { type: String, required: true },
    drawId: { type: mongoose.Schema.Types.ObjectId, required: true },
    recordId: { type: String, required: true, unique: true },
    participantKey: { type: String, required: true },
    externalUserId: { type: String, default: null },
    /** Personal data: never logged; needed for cash (WeChat Pay pays an openid). */
    openid: { type: String, default: null },
    memberId: { type: mongoose.Schema.Types.ObjectId, default: null },
    prizeId: { type: String, required: true },
    prizeName: { type: String, required: true },
    kind: { type: String, enum: PRIZE_KINDS, required: true },
    points: { type: Number, default: null },
    benefitId: { type: String, default: null },
    amountFen: { type: Number, default: null },
    status: { type: String, enum: FULFILMENT_STATUSES, required: true },
    failReason: { type: String, default: null },
    redeemCode: { type: String, default: null },
    trackingNo: { type: String, default: null },
    carrier: { type: String, default: null },
    address: { type: addressSchema, default: null },
    wonAt: { type: Date, required: true },
    statusAt: { type: Date, required: true },
  },
  { collection: "draw_wins", versionKey: false },
);

drawWinSchema.index({ drawId: 1, wonAt: -1 });
// "My prizes" on the draw page: one participant's wins in one draw.
drawWinSchema.index({ drawId: 1, participantKey: 1 });

export type DrawWinAttrs = InferSchemaType<typeof drawWinSchema>;
export type StoredWin = DrawWinAttrs & { _id: string };
export const DrawWin = mongoose.model("DrawWin", drawWinSchema);
