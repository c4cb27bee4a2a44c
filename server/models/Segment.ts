import mongoose, { type InferSchemaType } from "mongoose";

/**
 * A saved segment (人群): a named rule over members. The rule is stored as given and validated
 * by SegmentRuleSchema at the edge, so the rule language can grow without migrations; the count
 * is a cache of the last time someone looked, for the list, not a promise.
 */
const segmentSchema = new mongoose.Schema(
  {
    name: { type: String, required: true, unique: true },
    description: { type: String, default: "" },
    rule: { type: mongoose.Schema.Types.Mixed, required: true },
    createdBy: { type: String, default: null },
    lastCount: { type: Number, default: null },
    lastCountedAt: { type: Date, default: null },
  },
  // minimize: false keeps an empty rule ({} = every member) instead of dropping the key.
  { collection: "segments", timestamps: true, versionKey: false, minimize: false },
);

export type SegmentAttrs = InferSchemaType<typeof segmentSchema>;
export const Segment = mongoose.model("Segment", segmentSchema);
