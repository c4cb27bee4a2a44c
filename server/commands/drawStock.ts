import { BUDGET_KEY, DrawStock, stockId } from "../models/DrawStock.ts";

/**
 * Take n from a prize's stock or the budget, only if that much is left.
 *
 * @param drawId the draw.
 * @param key a prize id or the budget key.
 * @param n how much (1 for a prize, fen for the budget).
 * @returns whether it was taken.
 */
export async function takeStock(drawId: string, key: string, n: number): Promise<boolean> {
  const result = await DrawStock.updateOne({ _id: stockId(drawId, key), left: { $gte: n } }, { $inc: { left: -n } });
  return result.modifiedCount === 1;
}

/**
 * Put back what was taken for a draw that could not complete.
 *
 * @param drawId the draw.
 * @param key a prize id or the budget key.
 * @param n how much.
 */
export async function returnStock(drawId: string, key: string, n: number): Promise<void> {
  await DrawStock.updateOne({ _id: stockId(drawId, key) }, { $inc: { left: n } });
}

/**
 * @param drawId the draw.
 * @param keys prize ids (and the budget key).
 * @returns what is left of each, by key (read by _id).
 */
export async function stocksLeft(drawId: string, keys: string[]): Promise<Map<string, number>> {
  const docs = await DrawStock.find({ _id: { $in: keys.map((key) => stockId(drawId, key)) } }, { key: 1, left: 1 }).lean();
  return new Map(docs.map((doc) => [doc.key, doc.left]));
}

export { BUDGET_KEY };
