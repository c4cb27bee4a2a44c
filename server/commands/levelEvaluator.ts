import type { Types } from "mongoose";
import { addMonths, levelForGrowth, levelRank, type Level, type Program } from "../domain/program.ts";
import { LedgerEntry } from "../models/LedgerEntry.ts";
import { Member } from "../models/Member.ts";
import ledgerPoster from "./ledgerPoster.ts";

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
 * Apply the program's expiry rule to every member whose level validity has passed: keep (renew),
 * downgrade one level, or re-evaluate by the growth earned within the validity window. Growth is
 * brought down to what the new level stands on through an idempotent ledger entry, so the next
 * small order does not simply restore the old level. Run daily by EvaluateLevelsJob.
 *
 * @param program the program in force.
 * @param now the clock.
 * @returns how many members changed level, and how many were renewed at the same level.
 */
export async function expireLevels(program: Program, now: Date): Promise<{ changed: number; renewed: number }> {
  const due = await Member.find({ levelValidUntil: { $lte: now }, mergedInto: null }, { levelCode: 1, levelValidUntil: 1, growth: 1 }).lean();
  let changed = 0;
  let renewed = 0;
  for (const member of due) {
    const { target, growth } = await expiryOutcome(program, member, now);
    const lowest = target.code === program.levels[0]?.code;
    const validUntil = lowest ? null : addMonths(now, program.levelValidity.months);
    if (growth < member.growth) {
      await ledgerPoster({
        account: "growth",
        memberId: member._id,
        delta: growth - member.growth,
        reason: "level_expiry",
        sourceId: `expiry:${member._id}:${member.levelValidUntil?.toISOString()}`,
        now,
      });
    }
    const update =
      target.code === member.levelCode
        ? { $set: { levelValidUntil: validUntil } }
        : {
            $set: { levelCode: target.code, levelValidUntil: validUntil },
            $push: { levelChanges: { from: member.levelCode, to: target.code, at: now, reason: "expiry" } },
          };
    // Conditional on what was read: an upgrade that lands meanwhile wins, and a rerun is a no-op.
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

async function expiryOutcome(
  program: Program,
  member: { _id: Types.ObjectId; levelCode: string; growth: number },
  now: Date,
): Promise<{ target: Level; growth: number }> {
  const rank = levelRank(program, member.levelCode);
  const current = program.levels[rank] as Level;
  if (program.levelValidity.onExpiry === "keep") {
    return { target: current, growth: member.growth };
  }
  if (program.levelValidity.onExpiry === "downgrade_one") {
    const target = program.levels[Math.max(0, rank - 1)] as Level;
    return { target, growth: Math.min(member.growth, target.threshold) };
  }
  const windowStart = addMonths(now, -program.levelValidity.months);
  const recent = await LedgerEntry.find({ memberId: member._id, account: "growth", at: { $gt: windowStart } }, { delta: 1 }).lean();
  const windowGrowth = Math.max(0, recent.reduce((sum, entry) => sum + entry.delta, 0));
  const earned = levelForGrowth(program, windowGrowth);
  // Re-evaluation never raises a level here: upgrades happen when growth is earned.
  const target = levelRank(program, earned.code) < rank ? earned : current;
  return { target, growth: Math.min(member.growth, windowGrowth) };
}
