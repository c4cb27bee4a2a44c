import mongoose, { type InferSchemaType } from "mongoose";

/** The counters of a month's content mix. */
export const MOMENT_MONTH_COUNTERS = ["care", "service", "ads"] as const;

/**
 * One China month's moments per content kind, `_id` YYYY-MM, counted on write by
 * server/commands/momentMix.ts (every planned moment counts; cancelled and deleted ones leave).
 * Each move's key goes into `keys` in the same update that counts it, so a replay counts nothing.
 */
const momentMonthSchema = new mongoose.Schema(
  {
    _id: { type: String, required: true },
    care: { type: Number, default: 0 },
    service: { type: Number, default: 0 },
    ads: { type: Number, default: 0 },
    keys: { type: [String], default: [] },
  },
  { collection: "moment_months", versionKey: false },
);

export type MomentMonthAttrs = InferSchemaType<typeof momentMonthSchema> & { _id: string };
export const MomentMonth = mongoose.model("MomentMonth", momentMonthSchema);
