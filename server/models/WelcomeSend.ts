import mongoose, { type InferSchemaType } from "mongoose";

export const WELCOME_SEND_STATUSES = ["sending", "sent", "expired", "failed"] as const;

/**
 * One welcome code (WeCom's, usable once within 20 s), `_id` = the code: created before the send,
 * so a retried or duplicated callback finds it and does not send again.
 */
const welcomeSendSchema = new mongoose.Schema(
  {
    _id: { type: String, required: true },
    codeId: { type: String, required: true },
    userId: { type: String, required: true },
    externalUserId: { type: String, required: true },
    status: { type: String, enum: WELCOME_SEND_STATUSES, required: true },
    /** When WeCom says the add happened (the event's CreateTime). */
    eventAt: { type: Date, required: true },
    at: { type: Date, required: true },
    errcode: { type: Number, default: null },
  },
  { collection: "welcome_sends", versionKey: false },
);

export type WelcomeSendAttrs = InferSchemaType<typeof welcomeSendSchema>;
export const WelcomeSend = mongoose.model("WelcomeSend", welcomeSendSchema);
