import mongoose, { type InferSchemaType } from "mongoose";

/**
 * One WeCom API's calls in one fixed window (server/wecom/rateLimiter.ts): `_id` is
 * "<api path>|<window ms>|<window index>", so every process grows the same counters with an
 * exact-key `$inc` and none has to read a range.
 */
const weComRateWindowSchema = new mongoose.Schema(
  {
    _id: { type: String, required: true },
    /** Every call counted, bulk and interactive. */
    total: { type: Number, default: 0 },
    /** Bulk calls counted; set past any limit when WeCom answered 45009 (the window is shut to bulk calls). */
    bulk: { type: Number, default: 0 },
    /** The window's end plus a margin; the TTL index drops it after that. */
    expiresAt: { type: Date, required: true },
  },
  { collection: "wecom_rate_windows", versionKey: false },
);

weComRateWindowSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

export type WeComRateWindowAttrs = InferSchemaType<typeof weComRateWindowSchema>;
export const WeComRateWindow = mongoose.model("WeComRateWindow", weComRateWindowSchema);
