import mongoose from "mongoose";
import { chinaDate } from "../domain/chinaTime.ts";
import { getLogger } from "../logging/logger.ts";
import { Funnel } from "../models/Funnel.ts";
import { FunnelVisitDay } from "../models/FunnelStat.ts";

// A crowd's visits are added up in memory and written as one $inc per funnel a second: one write
// per visit would make the database, not the page, the limit. A crash loses at most that second.
const FLUSH_MS = 1_000;
// Keyed by funnel and China day: a flush just after midnight still writes yesterday's to yesterday.
const pending = new Map<string, { funnelId: string; day: string; visits: number; visitors: number }>();
let timer: NodeJS.Timeout | null = null;

/**
 * Count a landing-page visit.
 *
 * @param funnelId the funnel.
 * @param newVisitor true when the browser had no visitor cookie yet (a unique visitor).
 * @param at when (the day it counts on).
 */
export function recordVisit(funnelId: string, newVisitor: boolean, at: Date): void {
  const day = chinaDate(at);
  const key = `${funnelId}:${day}`;
  const counts = pending.get(key) ?? { funnelId, day, visits: 0, visitors: 0 };
  counts.visits += 1;
  counts.visitors += newVisitor ? 1 : 0;
  pending.set(key, counts);
  if (!timer) {
    timer = setTimeout(() => void flushVisits().catch((error: unknown) => getLogger("http").warn({ err: error }, "funnel visits not written")), FLUSH_MS);
    timer.unref();
  }
}

/**
 * Write the counted visits now (the timer does it each second; tests and shutdown call it).
 *
 * @returns nothing.
 */
export async function flushVisits(): Promise<void> {
  if (timer) {
    clearTimeout(timer);
    timer = null;
  }
  const batch = [...pending.entries()];
  pending.clear();
  if (batch.length === 0 || mongoose.connection.readyState !== 1) {
    return;
  }
  await Promise.all([
    Funnel.bulkWrite(
      batch.map(([, counts]) => ({
        updateOne: { filter: { _id: new mongoose.Types.ObjectId(counts.funnelId) }, update: { $inc: { "stats.visits": counts.visits, "stats.visitors": counts.visitors } } },
      })),
      { ordered: false },
    ),
    FunnelVisitDay.bulkWrite(
      batch.map(([key, counts]) => ({
        updateOne: { filter: { _id: key }, update: { $inc: { visits: counts.visits, visitors: counts.visitors }, $setOnInsert: { funnelId: counts.funnelId, day: counts.day } }, upsert: true },
      })),
      { ordered: false },
    ),
  ]);
}
