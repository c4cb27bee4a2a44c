// The rate limiter's shared counters (server/wecom/rateLimiter.ts) in the database, so that every
// process of the app counts against the same per-API windows.
import { isDuplicateKeyError } from "../db/duplicates.ts";
import { WeComRateWindow } from "../models/WeComRateWindow.ts";
import type { RateWindowCounts, RateWindowStore } from "../wecom/rateLimiter.ts";

// Two processes opening the same window at once: one upsert inserts, the other meets the unique
// _id and finds the document on its second try.
async function upsertOnce<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (!isDuplicateKeyError(error)) {
      throw error;
    }
    return write();
  }
}

/** The counters in `wecom_rate_windows`: one exact-key upsert per reservation. */
export const mongoRateWindowStore: RateWindowStore = {
  async add(key: string, add: RateWindowCounts, expiresAt: Date): Promise<RateWindowCounts> {
    const after = await upsertOnce(() =>
      WeComRateWindow.findOneAndUpdate({ _id: key }, { $inc: { total: add.total, bulk: add.bulk }, $setOnInsert: { expiresAt } }, { upsert: true, returnDocument: "after", projection: { total: 1, bulk: 1 } }).lean(),
    );
    return { total: after?.total ?? add.total, bulk: after?.bulk ?? add.bulk };
  },
  async block(key: string, floor: number, expiresAt: Date): Promise<void> {
    await upsertOnce(() => WeComRateWindow.updateOne({ _id: key }, { $max: { bulk: floor }, $setOnInsert: { expiresAt } }, { upsert: true }));
  },
};
