import type { Types } from "mongoose";
import { LedgerEntry } from "../models/LedgerEntry.ts";
import { Member } from "../models/Member.ts";
import { isDuplicateKeyError } from "../db/duplicates.ts";

interface Props {
  account: "growth" | "points";
  memberId: Types.ObjectId;
  delta: number;
  reason: string;
  /** Unique per source (an order, a refund step, a task); replays land on the same entry. */
  sourceId: string;
  now: Date;
  expiresAt?: Date | null;
}

/**
 * Post a change of growth or points: the entry is written first under its unique id, then the
 * balance moves. A replay finds the entry and changes nothing. (If a process dies between the
 * two writes, the reconciliation from the ledger restores the balance.)
 *
 * @param props account, member, amount and source.
 * @returns whether this call applied the change.
 */
export default async function ledgerPoster({ account, memberId, delta, reason, sourceId, now, expiresAt = null }: Props): Promise<boolean> {
  try {
    await LedgerEntry.create({ _id: `${account}:${sourceId}`, account, memberId, delta, reason, sourceId, at: now, expiresAt });
  } catch (error) {
    if (isDuplicateKeyError(error)) {
      return false;
    }
    throw error;
  }
  // A zero entry is still written: it marks the source as counted (e.g. a free order's metrics).
  if (delta !== 0) {
    await Member.updateOne({ _id: memberId }, { $inc: { [account]: delta } });
  }
  return true;
}

/**
 * Bring every member's growth and points back to what the ledger says (the ledger is the source
 * of truth; a process that died between writing an entry and moving the balance leaves them
 * apart). One aggregation over the ledger and one pass over members, whatever their number.
 *
 * @returns how many members were corrected.
 */
export async function reconcileBalances(): Promise<number> {
  const totals = await LedgerEntry.aggregate<{ _id: Types.ObjectId; growth: number; points: number }>([
    { $match: { state: "applied" } },
    {
      $group: {
        _id: "$memberId",
        growth: { $sum: { $cond: [{ $eq: ["$account", "growth"] }, "$delta", 0] } },
        points: { $sum: { $cond: [{ $eq: ["$account", "points"] }, "$delta", 0] } },
      },
    },
  ]);
  const byMember = new Map(totals.map((total) => [String(total._id), total]));
  let corrected = 0;
  for await (const member of Member.find({}, { growth: 1, points: 1 }).lean().cursor()) {
    const total = byMember.get(String(member._id)) ?? { growth: 0, points: 0 };
    if (total.growth !== member.growth || total.points !== member.points) {
      await Member.updateOne({ _id: member._id }, { $set: { growth: total.growth, points: total.points } });
      corrected += 1;
    }
  }
  return corrected;
}
