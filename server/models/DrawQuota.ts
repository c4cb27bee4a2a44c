import mongoose, { type InferSchemaType } from "mongoose";

/**
 * One participant's use of one draw (`<drawId>:<participantKey>`). A draw takes its turn with ONE
 * conditional update (`total < limit` and `days.<China day> < perDay`, both incremented), so
 * fifty concurrent requests by one person can never exceed either limit. `days` keeps a count per
 * China day number; the draw's window bounds how many there are.
 */
const drawQuotaSchema = new mongoose.Schema(
  {
    _id: { type: String, required: true },
    drawId: { type: mongoose.Schema.Types.ObjectId, required: true },
    participantKey: { type: String, required: true },
    total: { type: Number, default: 0 },
    /** China day number → draws that day. */
    days: { type: mongoose.Schema.Types.Mixed, default: () => ({}) },
    /** The China day of the last draw, and how many that day (for reading without the map). */
    lastDay: { type: Number, default: null },
    wins: { type: Number, default: 0 },
    /** The wins' ids, so "my prizes" reads them by key instead of querying draw_wins. */
    winIds: { type: [String], default: [] },
    firstAt: { type: Date, default: null },
  },
  { collection: "draw_quotas", versionKey: false, minimize: false },
);

drawQuotaSchema.index({ drawId: 1 });

export type DrawQuotaAttrs = InferSchemaType<typeof drawQuotaSchema>;
export const DrawQuota = mongoose.model("DrawQuota", drawQuotaSchema);

/**
 * @param drawId the draw.
 * @param participantKey the participant's key.
 * @returns the quota document's _id.
 */
export function quotaId(drawId: string, participantKey: string): string {
  return `${drawId}:${participantKey}`;
}
