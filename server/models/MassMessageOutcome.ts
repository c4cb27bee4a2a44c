import mongoose, { type InferSchemaType } from "mongoose";

export const MASS_OUTCOMES = ["unsent", "sent", "not_friend", "capped"] as const;
export type MassOutcome = (typeof MASS_OUTCOMES)[number];

/**
 * What happened to one customer (or group) of a mass message, from get_groupmsg_send_result.
 * `_id` `<taskId>:<recipient>`: a repeated sync overwrites, never adds.
 */
const massMessageOutcomeSchema = new mongoose.Schema(
  {
    _id: { type: String, required: true },
    massMessageId: { type: String, required: true },
    userId: { type: String, required: true },
    /** external_userid or chat_id. */
    recipient: { type: String, required: true },
    status: { type: String, enum: MASS_OUTCOMES, required: true },
    sentAt: { type: Date, default: null },
  },
  { collection: "mass_message_outcomes", versionKey: false },
);

export type MassMessageOutcomeAttrs = InferSchemaType<typeof massMessageOutcomeSchema> & { _id: string };
export const MassMessageOutcome = mongoose.model("MassMessageOutcome", massMessageOutcomeSchema);
