import { isDuplicateKeyError } from "../db/duplicates.ts";

/** The driver collection of day counters (a model's `.collection`), as far as this uses it. */
interface CounterCollection {
  updateOne(filter: Record<string, unknown>, update: Record<string, unknown>, options: { upsert: boolean }): Promise<{ modifiedCount: number; upsertedCount: number }>;
}

/**
 * Add to a day counter's fields once per key: the increment and the key go into the document in
 * one conditional update (`keys` must not hold the key yet), and an upsert that meets the key
 * already there fails on the unique _id instead of counting again. So a retried or duplicated
 * event, or a handler run twice, moves each counter at most once.
 *
 * @param collection the counters' collection (Model.collection; documents with a string `_id` and `keys`).
 * @param id the counter's _id.
 * @param key what is being counted (an event's or a follow's key).
 * @param inc the fields to add to.
 * @param onInsert the fields a new counter starts with.
 * @param counters every counter field of the document: a new one starts them at 0 (the driver's
 *   upsert knows no schema defaults, and a read must not meet a missing count).
 * @returns true when this call counted, false when the key was counted before.
 */
export default async function keyedCounter(collection: CounterCollection, id: string, key: string, inc: Record<string, number>, onInsert: Record<string, unknown>, counters: readonly string[]): Promise<boolean> {
  const zeros = Object.fromEntries(counters.filter((field) => !(field in inc)).map((field) => [field, 0]));
  try {
    const result = await collection.updateOne({ _id: id, keys: { $ne: key } }, { $inc: inc, $push: { keys: key }, $setOnInsert: { ...onInsert, ...zeros } }, { upsert: true });
    return result.modifiedCount + result.upsertedCount > 0;
  } catch (error) {
    if (isDuplicateKeyError(error)) {
      return false;
    }
    throw error;
  }
}
