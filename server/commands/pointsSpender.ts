import type { Types } from "mongoose";
import { NotFoundError, UnprocessableError } from "../errors.ts";
import { LedgerEntry } from "../models/LedgerEntry.ts";
import { Member } from "../models/Member.ts";
import { isDuplicateKeyError } from "../db/duplicates.ts";

interface Props {
  memberId: Types.ObjectId;
  amount: number;
  /** The caller's id for this spend: a retried request spends once. */
  requestId: string;
  reason: string;
  now: Date;
}

/**
 * Spend points. The balance moves only by an atomic conditional decrement that requires enough
 * points, so a balance never goes negative, also under concurrent requests. The ledger entry is
 * claimed first (pending) under the request's id, so a retry returns the first outcome.
 *
 * @param props member, amount, request id and reason.
 * @returns the balance after the spend.
 * @throws 422 insufficient_points when the balance does not cover the amount (nothing changes).
 */
export default async function pointsSpender({ memberId, amount, requestId, reason, now }: Props): Promise<{ balance: number; replayed: boolean }> {
  const entryId = `points:spend:${requestId}`;
  try {
    await LedgerEntry.create({ _id: entryId, account: "points", memberId, delta: -amount, reason, sourceId: `spend:${requestId}`, state: "pending", at: now });
  } catch (error) {
    if (!isDuplicateKeyError(error)) {
      throw error;
    }
    const member = await Member.findById(memberId, { points: 1 }).lean();
    return { balance: member?.points ?? 0, replayed: true };
  }
  const spent = await Member.findOneAndUpdate(
    { _id: memberId, points: { $gte: amount } },
    { $inc: { points: -amount } },
    { returnDocument: "after", projection: { points: 1 }, lean: true },
  );
  if (!spent) {
    await LedgerEntry.deleteOne({ _id: entryId });
    const exists = await Member.exists({ _id: memberId });
    if (!exists) {
      throw NotFoundError("member");
    }
    throw UnprocessableError("insufficient_points", "amount: 积分余额不足");
  }
  await LedgerEntry.updateOne({ _id: entryId }, { $set: { state: "applied" } });
  return { balance: spent.points, replayed: false };
}

/**
 * Take back points for a refund, as much as the balance holds (never below zero).
 *
 * @param props member, points due back, source id and clock.
 * @returns the points actually taken back.
 */
export async function pointsClawback({ memberId, due, sourceId, now }: { memberId: Types.ObjectId; due: number; sourceId: string; now: Date }): Promise<number> {
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const member = await Member.findById(memberId, { points: 1 }).lean();
    const take = Math.min(due, member?.points ?? 0);
    if (take <= 0) {
      return 0;
    }
    try {
      await LedgerEntry.create({ _id: `points:${sourceId}`, account: "points", memberId, delta: -take, reason: "refund", sourceId, state: "pending", at: now });
    } catch (error) {
      if (isDuplicateKeyError(error)) {
        return 0;
      }
      throw error;
    }
    const taken = await Member.updateOne({ _id: memberId, points: { $gte: take } }, { $inc: { points: -take } });
    if (taken.modifiedCount === 1) {
      await LedgerEntry.updateOne({ _id: `points:${sourceId}` }, { $set: { state: "applied" } });
      return take;
    }
    // Spent meanwhile: try again with what is left.
    await LedgerEntry.deleteOne({ _id: `points:${sourceId}` });
  }
  return 0;
}
