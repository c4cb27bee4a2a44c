import type { Types } from "mongoose";
import { addMonths, levelForGrowth, levelRank, type Program } from "../domain/program.ts";
import { LedgerEntry } from "../models/LedgerEntry.ts";
import { Member } from "../models/Member.ts";

/**
 * Raise a member's level when growth has passed the next threshold; the new level is kept for
 * the program's validity period from now.
 *
 * @param memberId the member.
 * @param program the program in force.
 * @param now the clock.
 * @returns the new level code, or null when the level did not change.
 */
export async function upgradeIfEarned(memberId: Types.ObjectId, program: Program, now: Date): Promise<string | null> {
  const member = await Member.findById(memberId, { levelCode: 1, growth: 1 }).lean();
  if (!member) {
    return null;
  }
  const earned = levelForGrowth(program, member.growth);
  if (levelRank(program, earned.code) <= levelRank(program, member.levelCode)) {
    return null;
  }
  // Conditional on the level read, so two orders landing together record one upgrade.
  const result = await Member.updateOne(
    { _id: memberId, levelCode: member.levelCode },
    {
      $set: { levelCode: earned.code, levelValidUntil: addMonths(now, program.levelValidity.months) },
      $push: { levelChanges: { from: member.levelCode, to: earned.code, at: now, reason: "upgrade" } },
    },
  );
  return result.modifiedCount === 1 ? earned.code : null;
}

/**
 * Apply the program's expiry rule to every member whose level validity has passed: keep,
 * downgrade one level, or re-evaluate by the growth earned within the validity window.
 * Run daily by the level-evaluation job.
 *
 * @param program the program in force.
 * @param now the clock.
 * @returns how many members changed level, and how many were renewed at the same level.
 */
export async function expireLevels(program: Program, now: Date): Promise<{ changed: number; renewed: number }> {
  const due = await Member.find({ levelValidUntil: { $lte: now }, mergedInto: null }, { levelCode: 1, levelValidUntil: 1 }).lean();
  const windowStart = addMonths(now, -program.levelValidity.months);
  let changed = 0;
  let renewed = 0;
  for (const member of due) {
    const rank = levelRank(program, member.levelCode);
    let target = program.levels[rank];
    if (program.levelValidity.onExpiry === "downgrade_one") {
      target = program.levels[Math.max(0, rank - 1)];
    } else if (program.levelValidity.onExpiry === "reevaluate") {
      const recent = await LedgerEntry.find({ memberId: member._id, account: "growth", at: { $gt: windowStart } }, { delta: 1 }).lean();
      const earned = levelForGrowth(program, recent.reduce((sum, entry) => sum + entry.delta, 0));
      // Re-evaluation never raises a level here: upgrades happen when growth is earned.
      target = levelRank(program, earned.code) < rank ? earned : program.levels[rank];
    }
    if (!target) {
      continue;
    }
    const lowest = target.code === program.levels[0]?.code;
    const update =
      target.code === member.levelCode
        ? { $set: { levelValidUntil: lowest ? null : addMonths(now, program.levelValidity.months) } }
        : {
            $set: { levelCode: target.code, levelValidUntil: lowest ? null : addMonths(now, program.levelValidity.months) },
            $push: { levelChanges: { from: member.levelCode, to: target.code, at: now, reason: "expiry" } },
          };
    // Conditional on what was read: an upgrade that lands meanwhile wins.
    const result = await Member.updateOne({ _id: member._id, levelCode: member.levelCode, levelValidUntil: member.levelValidUntil }, update);
    if (result.modifiedCount === 1) {
      if (target.code === member.levelCode) {
        renewed += 1;
      } else {
        changed += 1;
      }
    }
  }
  return { changed, renewed };
}
