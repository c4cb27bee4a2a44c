import type { Types } from "mongoose";
import { memberMetrics } from "../domain/metrics.ts";
import { levelProgress, type Program } from "../domain/program.ts";
import type { MemberAttrs } from "../models/Member.ts";

export interface PresentedMember {
  id: string;
  memberNo: string;
  name: string;
  /** Masked (138****0000); the number itself never leaves the server here. */
  phone: string;
  sourceChannel: string;
  level: { code: string; name: string; validUntil: string | null };
  growth: number;
  points: number;
  progress: { nextLevel: { code: string; name: string } | null; growthNeeded: number; spendNeededFen: number | null; ratio: number; hint: string };
  metrics: {
    totalSpentFen: number;
    orderCount: number;
    averageOrderValueFen: number;
    firstPurchaseAt: string | null;
    lastPurchaseAt: string | null;
    purchasesInWindow: number;
    repurchaseWindowDays: number;
    predictedNextPurchaseAt: string | null;
    repurchase: "none" | "not_due" | "due" | "overdue";
    rfm: { r: number; f: number; m: number };
  };
  externalUserIds: string[];
  mergedInto: string | null;
}

const iso = (date: Date | null | undefined) => (date ? date.toISOString() : null);
const yuan = (fen: number) => `¥${(fen / 100).toFixed(fen % 100 === 0 ? 0 : 2)}`;

/**
 * A member's profile: level, progress to the next level, balances and metrics.
 *
 * @param member the stored member.
 * @param program the program in force.
 * @param now the clock (windows, repurchase hints).
 * @returns the public shape.
 */
export function presentMember(member: MemberAttrs & { _id: Types.ObjectId }, program: Program, now: Date): PresentedMember {
  const progress = levelProgress(program, member.levelCode, member.growth);
  const metrics = memberMetrics(
    {
      totalSpent: member.metrics?.totalSpent ?? 0,
      orderCount: member.metrics?.orderCount ?? 0,
      firstPurchaseAt: member.metrics?.firstPurchaseAt ?? null,
      lastPurchaseAt: member.metrics?.lastPurchaseAt ?? null,
      purchaseTimes: member.metrics?.purchaseTimes ?? [],
    },
    program,
    now,
  );
  const hint = !progress.next
    ? "已是最高等级"
    : progress.spendNeededFen !== null
      ? `还差 ${yuan(progress.spendNeededFen)} 升级${progress.next.name}`
      : `还差 ${progress.growthNeeded} 成长值升级${progress.next.name}`;
  return {
    id: String(member._id),
    memberNo: member.memberNo,
    name: member.name,
    phone: member.phoneMasked,
    sourceChannel: member.sourceChannel,
    level: { code: progress.current.code, name: progress.current.name, validUntil: iso(member.levelValidUntil) },
    growth: member.growth,
    points: member.points,
    progress: {
      nextLevel: progress.next ? { code: progress.next.code, name: progress.next.name } : null,
      growthNeeded: progress.growthNeeded,
      spendNeededFen: progress.spendNeededFen,
      ratio: Math.round(progress.ratio * 1000) / 1000,
      hint,
    },
    metrics: {
      totalSpentFen: metrics.totalSpent,
      orderCount: metrics.orderCount,
      averageOrderValueFen: metrics.averageOrderValue,
      firstPurchaseAt: iso(metrics.firstPurchaseAt),
      lastPurchaseAt: iso(metrics.lastPurchaseAt),
      purchasesInWindow: metrics.purchasesInWindow,
      repurchaseWindowDays: program.repurchaseWindowDays,
      predictedNextPurchaseAt: iso(metrics.predictedNextPurchaseAt),
      repurchase: metrics.repurchase,
      rfm: metrics.rfm,
    },
    externalUserIds: [...member.externalUserIds],
    mergedInto: member.mergedInto ? String(member.mergedInto) : null,
  };
}

/** A row of the console's member list: the profile and the member's home store. */
export type ListedMember = PresentedMember & { homeStoreId: string | null };

/**
 * @param member the stored member.
 * @param program the program in force.
 * @param now the clock.
 * @returns the profile with the home store.
 */
export function presentListedMember(member: MemberAttrs & { _id: Types.ObjectId }, program: Program, now: Date): ListedMember {
  return { ...presentMember(member, program, now), homeStoreId: member.homeStoreId ?? null };
}

/** What a points spend answers: the balance after it, and whether it was a replay of an earlier request. */
export interface PresentedPointsBalance {
  memberNo: string;
  points: number;
  replayed: boolean;
}

/**
 * @param memberNo the member.
 * @param outcome what pointsSpender answered.
 * @returns the public shape.
 */
export function presentPointsBalance(memberNo: string, outcome: { balance: number; replayed: boolean }): PresentedPointsBalance {
  return { memberNo, points: outcome.balance, replayed: outcome.replayed };
}
