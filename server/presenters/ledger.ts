import type { LedgerEntryAttrs } from "../models/LedgerEntry.ts";
import type { MemberAttrs } from "../models/Member.ts";
import { CHANNEL_LABELS } from "./labels.ts";

export interface PresentedLedgerEntry {
  account: "growth" | "points";
  delta: number;
  /** A code (order, refund, level_expiry, merge; see labels.ts) or, for a spend, the operator's words. */
  reason: string;
  sourceId: string;
  /** The source as people read it: "订单 SB2026… · 门店" for `order:store:SB2026…`. */
  source: string;
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
    source: ledgerSourceText(entry.sourceId),
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

/** An order id is `<channel>:<order number>`; the channel goes by its label. */
function orderText(orderId: string): string {
  const [channel = "", ...rest] = orderId.split(":");
  const orderNo = rest.join(":");
  return orderNo ? `${orderNo} · ${CHANNEL_LABELS[channel] ?? channel}` : orderId;
}

/**
 * A ledger entry's source in words; the raw id (`order:store:SB2026…`, `refund:<order>:<total>`,
 * `merge:<id>:in`) is the idempotency key, which nobody should have to read.
 *
 * @param sourceId the stored source id.
 * @returns the readable source.
 */
export function ledgerSourceText(sourceId: string): string {
  const [kind = "", ...rest] = sourceId.split(":");
  switch (kind) {
    case "order":
      return `订单 ${orderText(rest.join(":"))}`;
    case "refund": {
      // refund:<channel>:<order no>[:<refunded total>]: the total only keeps partial refunds apart.
      const [channel = "", orderNo = ""] = rest;
      return `退款 ${orderText(`${channel}:${orderNo}`)}`;
    }
    case "spend":
      return "积分消耗";
    case "expiry":
      return "到期";
    case "merge":
      return "会员合并";
    case "unmerge":
      return "撤销合并";
    case "task":
      return "完成任务";
    case "sign_in":
      return "签到";
    default:
      return sourceId;
  }
}
