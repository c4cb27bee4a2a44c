import { CHINA_OFFSET_MS } from "./chinaTime.ts";
import type { Types } from "mongoose";
import { levelRank, type Benefit, type Program } from "./program.ts";

const DAY = 86_400_000;

/** What the benefit rules need to know about a member. */
export interface BenefitMember {
  _id: Types.ObjectId;
  levelCode: string;
  levelChanges?: { to?: string | null; at?: Date | null }[] | null;
  birthday?: string | null;
  joinedAt?: Date | null;
}

/** Where a member stands with one benefit. */
export interface BenefitStatus {
  benefit: Benefit;
  state: "claimable" | "claimed_all" | "window_closed" | "not_yet" | "out_of_stock" | "no_birthday";
  windowStart: Date | null;
  windowEnd: Date | null;
  period: string | null;
  claims: { code: string; status: "claimed" | "redeemed" | "expired"; redeemBy: Date; redeemedAt: Date | null }[];
}

/** Why a benefit cannot be claimed, in the words shown to guides. */
export const BENEFIT_STATE_MESSAGE: Record<BenefitStatus["state"], string> = {
  claimable: "可领取",
  claimed_all: "本期权益已领取",
  window_closed: "已过领取期",
  not_yet: "尚未到领取时间",
  out_of_stock: "权益已领完",
  no_birthday: "会员未登记生日",
};

/**
 * When a member may claim a benefit: from reaching the level (joining, at the lowest level), or
 * from the 1st of the birthday month for birthday gifts, for the benefit's window.
 *
 * @param benefit the benefit.
 * @param member the member.
 * @param program the program.
 * @param now the clock.
 * @returns the window and the period key claims are counted in (null: no birthday on file).
 */
export function claimWindow(benefit: Benefit, member: BenefitMember, program: Program, now: Date): { start: Date | null; end: Date | null; period: string | null } {
  if (benefit.kind === "birthday_gift") {
    const month = /^(?:\d{4}-)?(\d{2})-\d{2}$/.exec(member.birthday ?? "")?.[1];
    if (!month) {
      return { start: null, end: null, period: null };
    }
    // Birthdays are in China time; the window opens at 00:00 Beijing on the 1st of the month.
    const start = new Date(Date.UTC(now.getUTCFullYear(), Number(month) - 1, 1) - CHINA_OFFSET_MS);
    return { start, end: new Date(start.getTime() + benefit.claimWindowDays * DAY), period: String(now.getUTCFullYear()) };
  }
  const reached = [...(member.levelChanges ?? [])].reverse().find((change) => change.to === member.levelCode)?.at ?? member.joinedAt ?? now;
  // A member at the lowest level never "reached" it: the window starts when they joined.
  const start = levelRank(program, member.levelCode) === 0 ? (member.joinedAt ?? reached) : reached;
  return { start, end: new Date(start.getTime() + benefit.claimWindowDays * DAY), period: start.toISOString().slice(0, 10) };
}

