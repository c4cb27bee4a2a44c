import mongoose, { type InferSchemaType } from "mongoose";

/**
 * Joins and leaves of one customer group on one China day, kept on write by the group events.
 * The _id is `<chat_id>:<YYYY-MM-DD>`, so a day's figures are one read by key. `applied` holds the
 * keys of the changes already counted (one per member-list version), so a retried event never
 * counts twice: the increment and the key go in one atomic update.
 */
const groupDailyCountSchema = new mongoose.Schema(
  {
    _id: { type: String, required: true },
    chatId: { type: String, required: true },
    day: { type: String, required: true },
    joins: { type: Number, default: 0 },
    leaves: { type: Number, default: 0 },
    applied: { type: [String], default: [] },
  },
  { collection: "group_daily_counts", versionKey: false },
);

export type GroupDailyCountAttrs = InferSchemaType<typeof groupDailyCountSchema>;
export const GroupDailyCount = mongoose.model("GroupDailyCount", groupDailyCountSchema);
