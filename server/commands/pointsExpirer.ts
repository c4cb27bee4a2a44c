import { chinaDate } from "../domain/chinaTime.ts";
import type { Types } from "mongoose";
import { LedgerEntry } from "../models/LedgerEntry.ts";
import { Member } from "../models/Member.ts";
import { isDuplicateKeyError } from "../db/duplicates.ts";

export const EXPIRY_REASON = "expiry";

interface Sums {
  _id: Types.ObjectId;
  earned: number;
}

/**
 * Expire points whose time has come. Spends use the points that expire first, so what is due for
 * a member is: points earned with an expiry up to now, less everything spent or taken back since,
 * less what expired before — never more than the balance. One ledger entry per member and day
 * (`points:expiry:<member>:<day>`) makes a rerun change nothing; the balance only moves by a
 * conditional update, so it never goes below zero, also with a spend arriving meanwhile.
 *
 * @param now the clock.
 * @returns how many members lost points, and how many points in all.
 */
export async function expirePoints(now: Date): Promise<{ members: number; points: number }> {
  const due = await LedgerEntry.aggregate<Sums>([
    { $match: { account: "points", delta: { $gt: 0 }, expiresAt: { $ne: null, $lte: now } } },
    { $group: { _id: "$memberId", earned: { $sum: "$delta" } } },
  ]);
  let members = 0;
  let points = 0;
  // The job runs at 01:30 China time, still the previous day in UTC: key the run by China's day.
  const day = chinaDate(now);
  for (const { _id: memberId, earned } of due) {
    const [used] = await LedgerEntry.aggregate<{ _id: null; used: number }>([
      { $match: { account: "points", memberId, delta: { $lt: 0 } } },
      { $group: { _id: null, used: { $sum: "$delta" } } },
    ]);
    const member = await Member.findById(memberId, { points: 1 }).lean();
    const amount = Math.min(earned + (used?.used ?? 0), member?.points ?? 0);
    if (amount <= 0) {
      continue;
    }
    const sourceId = `expiry:${memberId}:${day}`;
    const entryId = `points:${sourceId}`;
    try {
      await LedgerEntry.create({ _id: entryId, account: "points", memberId, delta: -amount, reason: EXPIRY_REASON, sourceId, at: now });
    } catch (error) {
      if (isDuplicateKeyError(error)) {
        continue;
      }
      throw error;
    }
    const taken = await Member.updateOne({ _id: memberId, points: { $gte: amount } }, { $inc: { points: -amount } });
    if (taken.modifiedCount === 0) {
      // A spend took the points first: forget this entry, the next run works it out afresh.
      await LedgerEntry.deleteOne({ _id: entryId });
      continue;
    }
    members += 1;
    points += amount;
  }
  return { members, points };
}
