import mongoose, { type InferSchemaType } from "mongoose";

/**
 * A funnel group's figures on one China day, `_id` `<funnelId>:<YYYY-MM-DD>:<chatId>`, kept on
 * write by the group events: customers who joined by scanning (joins), customers who left
 * (leaves), and of that day's scan joins (the cohort) how many left within 7 China days (lost7).
 * Each increment pushes its key into `keys` in the same conditional update, so a retried event
 * never counts twice.
 */
const funnelStatSchema = new mongoose.Schema(
  {
    _id: { type: String, required: true },
    funnelId: { type: String, required: true },
    day: { type: String, required: true },
    chatId: { type: String, required: true },
    joins: { type: Number, default: 0 },
    leaves: { type: Number, default: 0 },
    lost7: { type: Number, default: 0 },
    keys: { type: [String], default: [] },
  },
  { collection: "funnel_stats", versionKey: false },
);

// The console's range read; the event path writes by _id only.
funnelStatSchema.index({ funnelId: 1, day: 1 });

export type FunnelStatAttrs = InferSchemaType<typeof funnelStatSchema>;
export const FunnelStat = mongoose.model("FunnelStat", funnelStatSchema);

/**
 * @param funnelId the funnel.
 * @param day the China date, YYYY-MM-DD.
 * @param chatId the group.
 * @returns the counter's _id.
 */
export const funnelStatId = (funnelId: string, day: string, chatId: string) => `${funnelId}:${day}:${chatId}`;

/**
 * A funnel's landing-page visits on one China day, `_id` `<funnelId>:<YYYY-MM-DD>`: page views and
 * new visitors (browsers without the visitor cookie yet), added by the once-a-second flush of
 * server/commands/funnelVisits.ts.
 */
const funnelVisitDaySchema = new mongoose.Schema(
  {
    _id: { type: String, required: true },
    funnelId: { type: String, required: true },
    day: { type: String, required: true },
    visits: { type: Number, default: 0 },
    visitors: { type: Number, default: 0 },
  },
  { collection: "funnel_visit_days", versionKey: false },
);

funnelVisitDaySchema.index({ funnelId: 1, day: 1 });

export const FunnelVisitDay = mongoose.model("FunnelVisitDay", funnelVisitDaySchema);

/**
 * A customer's latest counted scan join of a funnel group, `_id` `<chatId>:<memberId>`: their
 * leave finds by key which day's cohort it ends. A re-join replaces it only when newer.
 */
const funnelMemberSchema = new mongoose.Schema(
  {
    _id: { type: String, required: true },
    funnelId: { type: String, required: true },
    chatId: { type: String, required: true },
    day: { type: String, required: true },
    joinedAt: { type: Date, required: true },
  },
  { collection: "funnel_members", versionKey: false },
);

export const FunnelMember = mongoose.model("FunnelMember", funnelMemberSchema);
