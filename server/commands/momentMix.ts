// The content mix per China month, counted on write: a moment's write records the change it owes
// the month counters (mix.pending) in the same update, and this settles it, so a crash in between
// is settled by the moment's next write or job instead of drifting.
import { Types } from "mongoose";
import { momentMix, type MomentKind, type MomentMix } from "../domain/momentRules.ts";
import { Moment } from "../models/Moment.ts";
import { MOMENT_MONTH_COUNTERS, MomentMonth } from "../models/MomentMonth.ts";
import keyedCounter from "./keyedCounter.ts";

type Place = { month: string; kind: string } | null;

/**
 * The update fragment that records where a moment should count from now on.
 *
 * @param place its month and kind, or null when it no longer counts (cancelled, deleted).
 * @returns fields to $set with the moment's write.
 */
export function mixChange(place: Place): Record<string, unknown> {
  return { "mix.pending": place ? { ...place, rev: new Types.ObjectId().toString() } : { month: null, kind: null, rev: new Types.ObjectId().toString() } };
}

const count = (place: { month: string; kind: string }, key: string, by: number) =>
  keyedCounter(MomentMonth.collection, place.month, key, { [place.kind]: by }, {}, MOMENT_MONTH_COUNTERS);

/**
 * Apply a moment's pending mix change to the month counters (keyed, so a replay counts nothing).
 *
 * @param momentId the moment.
 */
export async function settleMomentMix(momentId: string | Types.ObjectId): Promise<void> {
  const moment = await Moment.findById(momentId, { mix: 1 }).lean();
  const pending = moment?.mix?.pending;
  if (!moment || !pending?.rev) {
    return;
  }
  const counted = moment.mix.counted?.month ? { month: moment.mix.counted.month, kind: moment.mix.counted.kind as string } : null;
  const target = pending.month && pending.kind ? { month: pending.month, kind: pending.kind } : null;
  const same = counted && target && counted.month === target.month && counted.kind === target.kind;
  if (!same) {
    if (counted) {
      await count(counted, `-:${String(moment._id)}:${pending.rev}`, -1);
    }
    if (target) {
      await count(target, `+:${String(moment._id)}:${pending.rev}`, 1);
    }
  }
  await Moment.updateOne({ _id: moment._id, "mix.pending.rev": pending.rev }, { $set: { "mix.counted": target, "mix.pending": null } });
}

/**
 * @param month YYYY-MM (China).
 * @returns the month's moments per kind and the 70/20/10 warnings.
 */
export async function readMomentMix(month: string): Promise<MomentMix> {
  const counters = await MomentMonth.findById(month, { keys: 0 }).lean();
  const counts = Object.fromEntries(MOMENT_MONTH_COUNTERS.map((kind) => [kind, Math.max(counters?.[kind] ?? 0, 0)])) as Record<MomentKind, number>;
  return momentMix(month, counts);
}
