import type { Types } from "mongoose";
import { chinaDayNumber } from "../domain/chinaTime.ts";
import { drawsLeft } from "../domain/drawRules.ts";
import { DrawQuota, quotaId } from "../models/DrawQuota.ts";
import type { StoredDraw } from "../models/LuckyDraw.ts";
import { isDuplicateKeyError } from "../db/duplicates.ts";

type Limits = StoredDraw["limits"];

/**
 * Take one turn: ONE conditional update checks and raises both the total and today's count
 * (`days.<China day>`), so concurrent requests by one person can never pass either limit. The
 * quota document is created on a person's first draw (a concurrent creation is a duplicate
 * key, after which the conditional update runs against the document that won).
 *
 * @param draw the draw's id and limits.
 * @param participantKey the participant.
 * @param now the clock (its China day counts towards perDay).
 * @returns draws left after this one, or null when a limit is reached.
 */
export async function takeTurn(draw: { _id: Types.ObjectId; limits: Limits }, participantKey: string, now: Date): Promise<{ today: number | null; total: number | null } | null> {
  const id = quotaId(String(draw._id), participantKey);
  const day = chinaDayNumber(now);
  const dayField = `days.${day}`;
  const filter: Record<string, unknown> = { _id: id };
  if (draw.limits?.total) {
    filter.total = { $lt: draw.limits.total };
  }
  if (draw.limits?.perDay) {
    filter.$or = [{ [dayField]: { $exists: false } }, { [dayField]: { $lt: draw.limits.perDay } }];
  }
  const update = { $inc: { total: 1, [dayField]: 1 }, $set: { lastDay: day } };
  for (let attempt = 0; attempt < 2; attempt += 1) {
    const taken = await DrawQuota.findOneAndUpdate(filter, update, { returnDocument: "after", lean: true });
    if (taken) {
      const days = (taken.days ?? {}) as Record<string, number>;
      return drawsLeft(draw.limits ?? {}, { total: taken.total, today: days[String(day)] ?? 0 });
    }
    if (attempt === 1) {
      return null;
    }
    // The first miss may only mean the document is not there yet (a first draw, perhaps racing
    // another): make sure it exists; the second update decides.
    try {
      await DrawQuota.create({ _id: id, drawId: draw._id, participantKey, total: 0, days: {}, wins: 0, firstAt: now });
    } catch (error) {
      if (!isDuplicateKeyError(error)) {
        throw error;
      }
    }
  }
  return null;
}

/**
 * Count a win against maxWins, conditionally, in the same document.
 *
 * @param drawId the draw.
 * @param participantKey the participant.
 * @param maxWins the limit (null: none).
 * @param winId the win to come (kept for reading "my prizes" by key).
 * @returns whether the win may go ahead.
 */
export async function takeWin(drawId: string, participantKey: string, maxWins: number | null | undefined, winId: string): Promise<boolean> {
  const filter: Record<string, unknown> = { _id: quotaId(drawId, participantKey) };
  if (maxWins) {
    filter.wins = { $lt: maxWins };
  }
  const result = await DrawQuota.updateOne(filter, { $inc: { wins: 1 }, $push: { winIds: winId } });
  return result.modifiedCount === 1;
}

/**
 * Give a counted win back (its prize turned out to be gone).
 *
 * @param drawId the draw.
 * @param participantKey the participant.
 * @param winId the win that will not be.
 */
export async function returnWin(drawId: string, participantKey: string, winId: string): Promise<void> {
  await DrawQuota.updateOne({ _id: quotaId(drawId, participantKey), winIds: winId }, { $inc: { wins: -1 }, $pull: { winIds: winId } });
}

/**
 * @param draw the draw's id and limits.
 * @param participantKey the participant.
 * @param now the clock.
 * @returns draws left now (read by key).
 */
export async function turnsLeft(draw: { _id: Types.ObjectId; limits: Limits }, participantKey: string, now: Date): Promise<{ today: number | null; total: number | null; wins: number; winIds: string[] }> {
  const quota = await DrawQuota.findById(quotaId(String(draw._id), participantKey), { total: 1, days: 1, wins: 1, winIds: 1 }).lean();
  const days = (quota?.days ?? {}) as Record<string, number>;
  return { ...drawsLeft(draw.limits ?? {}, { total: quota?.total ?? 0, today: days[String(chinaDayNumber(now))] ?? 0 }), wins: quota?.wins ?? 0, winIds: quota?.winIds ?? [] };
}
