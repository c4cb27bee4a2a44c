import mongoose, { type InferSchemaType } from "mongoose";

/**
 * What is left of one prize (`<drawId>:<prizeId>`) or of the campaign's cash budget
 * (`<drawId>:budget`, in fen). Only ever changed by conditional updates
 * (`{ _id, left: { $gte: n } }` with `$inc: { left: -n }`), so concurrent draws can never take
 * more than there is.
 */
const drawStockSchema = new mongoose.Schema(
  {
    _id: { type: String, required: true },
    drawId: { type: mongoose.Schema.Types.ObjectId, required: true },
    /** A prize id, or "budget". */
    key: { type: String, required: true },
    left: { type: Number, required: true },
    /** What the operator set last: an edit moves `left` by the difference. */
    total: { type: Number, required: true },
  },
  { collection: "draw_stocks", versionKey: false },
);

drawStockSchema.index({ drawId: 1 });

export type DrawStockAttrs = InferSchemaType<typeof drawStockSchema>;
export const DrawStock = mongoose.model("DrawStock", drawStockSchema);

/** The budget's key in draw_stocks. */
export const BUDGET_KEY = "budget";

/**
 * @param drawId the draw.
 * @param key a prize id or {@link BUDGET_KEY}.
 * @returns the stock document's _id.
 */
export function stockId(drawId: string, key: string): string {
  return `${drawId}:${key}`;
}
