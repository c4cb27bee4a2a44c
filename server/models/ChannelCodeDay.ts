import mongoose, { type InferSchemaType } from "mongoose";

/**
 * Adds through one code to one guide on one China day, `_id` `<codeId>:<YYYY-MM-DD>:<userId>`.
 * Each add's event dedupe key is kept in `keys`, and the count moves only when the key is new,
 * in the same single-document update: a retried callback never counts twice.
 */
const channelCodeDaySchema = new mongoose.Schema(
  {
    _id: { type: String, required: true },
    codeId: { type: String, required: true },
    day: { type: String, required: true },
    userId: { type: String, required: true },
    adds: { type: Number, default: 0 },
    keys: { type: [String], default: [] },
  },
  { collection: "channel_code_days", versionKey: false },
);

// For the console's statistics; the add path reads and writes by _id only.
channelCodeDaySchema.index({ codeId: 1, day: 1 });

export type ChannelCodeDayAttrs = InferSchemaType<typeof channelCodeDaySchema>;
export const ChannelCodeDay = mongoose.model("ChannelCodeDay", channelCodeDaySchema);

/**
 * @param codeId the code.
 * @param day the China date, YYYY-MM-DD.
 * @param userId the guide.
 * @returns the counter's _id.
 */
export const channelCodeDayId = (codeId: string, day: string, userId: string) => `${codeId}:${day}:${userId}`;
