import mongoose, { type InferSchemaType } from "mongoose";

/**
 * A channel code's statistics for one guide on one China day, `_id` `<codeId>:<YYYY-MM-DD>:<userId>`,
 * kept on write by the add and deletion events (never counted from follows at read time).
 * - adds, deletedByCustomer, deletedByGuide: what happened on this day;
 * - lost7, lost30: of this day's adds (the cohort), how many ended within 7 / 30 China days.
 * Every increment pushes its key into `keys` in the same single-document update, conditional on
 * the key not being there yet: a retried or duplicated event never counts twice.
 */
const channelCodeStatSchema = new mongoose.Schema(
  {
    _id: { type: String, required: true },
    codeId: { type: String, required: true },
    day: { type: String, required: true },
    userId: { type: String, required: true },
    /** The guide's store (department id) when the first add or deletion of the day was counted. */
    storeId: { type: String, default: null },
    adds: { type: Number, default: 0 },
    deletedByCustomer: { type: Number, default: 0 },
    deletedByGuide: { type: Number, default: 0 },
    lost7: { type: Number, default: 0 },
    lost30: { type: Number, default: 0 },
    keys: { type: [String], default: [] },
  },
  { collection: "channel_code_stats", versionKey: false },
);

// The console's range reads (one code, or the overview's codes); the event path writes by _id only.
channelCodeStatSchema.index({ codeId: 1, day: 1 });

export type ChannelCodeStatAttrs = InferSchemaType<typeof channelCodeStatSchema>;
export const ChannelCodeStat = mongoose.model("ChannelCodeStat", channelCodeStatSchema);

/**
 * @param codeId the code.
 * @param day the China date, YYYY-MM-DD.
 * @param userId the guide.
 * @returns the counter's _id.
 */
export const channelCodeStatId = (codeId: string, day: string, userId: string) => `${codeId}:${day}:${userId}`;

/**
 * The latest counted add of one customer to one guide through a code, `_id`
 * `<externalUserId>:<userId>`: a deletion finds by key which code, day (cohort) and store it
 * ends. A re-add replaces it only when it is newer, so a late retry of the old add changes nothing.
 */
const channelCodeFollowSchema = new mongoose.Schema(
  {
    _id: { type: String, required: true },
    codeId: { type: String, required: true },
    userId: { type: String, required: true },
    storeId: { type: String, default: null },
    day: { type: String, required: true },
    addedAt: { type: Date, required: true },
  },
  { collection: "channel_code_follows", versionKey: false },
);

export type ChannelCodeFollowAttrs = InferSchemaType<typeof channelCodeFollowSchema>;
export const ChannelCodeFollow = mongoose.model("ChannelCodeFollow", channelCodeFollowSchema);
