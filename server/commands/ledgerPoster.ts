import type { Types } from "mongoose";
import { LedgerEntry } from "../models/LedgerEntry.ts";
import { Member } from "../models/Member.ts";

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

const DUPLICATE_KEY = 11000;

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
    if ((error as { code?: number }).code === DUPLICATE_KEY) {
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
 * Recompute a member's balances from the ledger (the source of truth).
 *
 * @param memberId the member.
 * @returns the balances now stored.
 */
export async function reconcileBalances(memberId: Types.ObjectId): Promise<{ growth: number; points: number }> {
  const entries = await LedgerEntry.find({ memberId, state: "applied" }, { account: 1, delta: 1 }).lean();
  const totals = { growth: 0, points: 0 };
  for (const entry of entries) {
    totals[entry.account] += entry.delta;
  }
  await Member.updateOne({ _id: memberId }, { $set: totals });
  return totals;
}
