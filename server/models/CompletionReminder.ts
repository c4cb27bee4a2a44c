import mongoose, { type InferSchemaType } from "mongoose";

/**
 * How often a guide was reminded (催办) of their tasks on one China day, `_id` `<userId>:<day>`:
 * the count a daily limit is checked against, claimed before the message goes out and given back
 * when WeCom does not take it.
 */
const completionReminderSchema = new mongoose.Schema(
  {
    _id: { type: String, required: true },
    userId: { type: String, required: true },
    day: { type: String, required: true },
    count: { type: Number, default: 0 },
    lastAt: { type: Date, default: null },
  },
  { collection: "completion_reminders", versionKey: false },
);

export type CompletionReminderAttrs = InferSchemaType<typeof completionReminderSchema> & { _id: string };
export const CompletionReminder = mongoose.model("CompletionReminder", completionReminderSchema);

/**
 * @param userId the guide.
 * @param day China day YYYY-MM-DD.
 * @returns the document's _id.
 */
export const completionReminderId = (userId: string, day: string): string => `${userId}:${day}`;
