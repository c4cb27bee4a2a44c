import crypto from "node:crypto";
import type { DrawStatus, PrizeKind } from "./drawShapes.ts";

/** The parts of a draw the rules read. */
export interface DrawTiming {
  status: DrawStatus;
  startsAt: Date;
  endsAt: Date;
}

/** Why a draw cannot be taken right now, by its error id. */
export type ClosedReason = "draw_not_found" | "draw_paused" | "draw_ended" | "draw_not_started";

/** What a participant is told for each refusal. */
export const DRAW_REFUSALS = {
  draw_not_found: "活动不存在或尚未发布",
  draw_not_started: "活动尚未开始，请稍后再来",
  draw_ended: "活动已结束，感谢关注",
  draw_paused: "活动暂停中，请稍后再来",
  draw_not_eligible: "您暂不符合本次活动的参与条件",
  draw_no_draws_left: "您的抽奖次数已用完",
  draw_sold_out: "奖品已全部抽完，感谢参与",
} as const;
export type DrawRefusal = keyof typeof DRAW_REFUSALS;

/**
 * @param draw status and window.
 * @param now the clock.
 * @returns why the draw is closed, or null when it is open.
 */
export function closedReason(draw: DrawTiming, now: Date): ClosedReason | null {
  if (draw.status === "draft") {
    return "draw_not_found";
  }
  if (draw.status === "ended" || now >= draw.endsAt) {
    return "draw_ended";
  }
  if (draw.status === "paused") {
    return "draw_paused";
  }
  if (now < draw.startsAt) {
    return "draw_not_started";
  }
  return null;
}

/**
 * Pick one prize by weight: prize i wins with probability weight_i / Σ weights, using the
 * operating system's randomness (crypto.randomInt), never Math.random.
 *
 * @param prizes the prizes with positive integer weights.
 * @param random a source of uniform integers in [0, max) (tests pass a fixed one).
 * @returns the picked prize, or null when there is nothing to pick.
 */
export function pickByWeight<T extends { weight: number }>(prizes: readonly T[], random: (max: number) => number = crypto.randomInt): T | null {
  const total = prizes.reduce((sum, prize) => sum + prize.weight, 0);
  if (total <= 0) {
    return null;
  }
  let roll = random(total);
  for (const prize of prizes) {
    if (roll < prize.weight) {
      return prize;
    }
    roll -= prize.weight;
  }
  return null;
}

/**
 * @param prizes the draw's prizes.
 * @returns each prize's chance in percent (two decimals), as the editor shows it.
 */
export function chances(prizes: readonly { weight: number }[]): number[] {
  const total = prizes.reduce((sum, prize) => sum + (prize.weight > 0 ? prize.weight : 0), 0);
  return prizes.map((prize) => (total > 0 && prize.weight > 0 ? Math.round((prize.weight / total) * 10_000) / 100 : 0));
}

/**
 * @param limits the draw's limits (null: none).
 * @param used what the participant used: in total and on the given China day.
 * @returns draws left today and in total (null where unlimited).
 */
export function drawsLeft(limits: { perDay?: number | null; total?: number | null }, used: { total: number; today: number }): { today: number | null; total: number | null } {
  const total = limits.total ? Math.max(0, limits.total - used.total) : null;
  let today = limits.perDay ? Math.max(0, limits.perDay - used.today) : null;
  if (today !== null && total !== null) {
    today = Math.min(today, total);
  }
  return { today, total };
}

/** Prize kinds that are a win (everything but "thanks for taking part"). */
export function isWinningKind(kind: PrizeKind): boolean {
  return kind !== "none";
}
