import type { LedgerEntryAttrs } from "../models/LedgerEntry.ts";
import type { MemberAttrs } from "../models/Member.ts";

export interface PresentedLedgerEntry {
  account: "growth" | "points";
  delta: number;
  /** A code (order, refund, level_expiry, merge; see labels.ts) or, for a spend, the operator's words. */
  reason: string;
  sourceId: string;
  at: string;
  /** When earned points expire (null: never). */
  expiresAt: string | null;
}

export interface PresentedLevelChange {
  from: string | null;
  to: string;
  at: string | null;
  /** upgrade or expiry. */
  reason: string;
}

/**
 * One change of a member's growth or points.
 *
 * @param entry the stored ledger entry.
 * @returns the public shape.
 */
export function presentLedgerEntry(entry: LedgerEntryAttrs): PresentedLedgerEntry {
  return {
    account: entry.account,
    delta: entry.delta,
    reason: entry.reason,
    sourceId: entry.sourceId,
    at: entry.at.toISOString(),
    expiresAt: entry.expiresAt ? entry.expiresAt.toISOString() : null,
  };
}

/**
 * One change of a member's level, oldest first as stored.
 *
 * @param change a stored level change.
 * @returns the public shape.
 */
export function presentLevelChange(change: MemberAttrs["levelChanges"][number]): PresentedLevelChange {
  return { from: change.from ?? null, to: change.to ?? "", at: change.at ? change.at.toISOString() : null, reason: change.reason ?? "" };
}
