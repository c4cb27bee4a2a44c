import mongoose, { type InferSchemaType } from "mongoose";

export const BOT_REPLY_STATES = ["claimed", "sent", "rate_limited", "failed", "no_bot"] as const;

/**
 * One reply the bot owed, keyed by what it answers (`<event dedupe key>:<rule id>`): inserted
 * before the send, so a retried event never says it twice; the state says how it went.
 */
const botReplySchema = new mongoose.Schema(
  {
    _id: { type: String, required: true },
    ruleId: { type: mongoose.Schema.Types.ObjectId, required: true },
    roomKey: { type: String, required: true },
    /** The text sent, after the mentions (no personal data beyond names the room shows). */
    text: { type: String, default: "" },
    /** Display names of those the reply @-mentions. */
    mentions: { type: [String], default: [] },
    state: { type: String, enum: BOT_REPLY_STATES, required: true },
    at: { type: Date, required: true },
  },
  { collection: "bot_replies", versionKey: false },
);

botReplySchema.index({ roomKey: 1, at: -1 });

export type BotReplyAttrs = InferSchemaType<typeof botReplySchema>;
export const BotReply = mongoose.model("BotReply", botReplySchema);
