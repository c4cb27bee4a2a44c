import mongoose, { type InferSchemaType } from "mongoose";

export const BOT_STATES = ["not_configured", "starting", "waiting_scan", "logged_in", "logged_out", "stopped"] as const;
export type BotState = (typeof BOT_STATES)[number];

/**
 * The bot's one status document (_id "bot"): kept in the database, so that the console answers
 * the same from every process, though only one runs the bot.
 */
const botStatusSchema = new mongoose.Schema(
  {
    _id: { type: String, required: true },
    state: { type: String, enum: BOT_STATES, required: true },
    puppet: { type: String, default: null },
    /** The logged-in account's display name. */
    userName: { type: String, default: null },
    /** Why the puppet logged out, as it said. */
    logoutReason: { type: String, default: null },
    lastError: { type: String, default: null },
    lastErrorAt: { type: Date, default: null },
    /** The QR payload to scan while waiting for a login. */
    qrcode: { type: String, default: null },
    since: { type: Date, required: true },
  },
  { collection: "bot_status", versionKey: false },
);

export type BotStatusAttrs = InferSchemaType<typeof botStatusSchema>;
export const BotStatus = mongoose.model("BotStatus", botStatusSchema);
