import type { Program } from "./program.ts";

const DAY = 86_400_000;
/** Purchase times kept per member: enough for windows and intervals, bounded in size. */
export const KEPT_PURCHASE_TIMES = 50;
/** Orders the sidebar lists, kept on the member so a profile reads them by key. */
export const KEPT_RECENT_ORDERS = 5;

/** The member metrics shown on profiles and used by segments. */
export interface MemberMetricsView {
  totalSpent: number;
  orderCount: number;
  averageOrderValue: number;
  firstPurchaseAt: Date | null;
  lastPurchaseAt: Date | null;
  purchasesInWindow: number;
  predictedNextPurchaseAt: Date | null;
  repurchase: "none" | "not_due" | "due" | "overdue";
  rfm: { r: number; f: number; m: number };
}

/**
 * Derive the metrics a profile shows from what is stored on the member.
 *
 * @param stored totals and recent purchase times.
 * @param program the program (window, RFM thresholds).
 * @param now the clock.
 * @returns the metrics.
 */
export function memberMetrics(
  stored: { totalSpent: number; orderCount: number; firstPurchaseAt?: Date | null; lastPurchaseAt?: Date | null; purchaseTimes: Date[] },
  program: Program,
  now: Date,
): MemberMetricsView {
  const times = [...stored.purchaseTimes].sort((a, b) => a.getTime() - b.getTime());
  const windowStart = now.getTime() - program.repurchaseWindowDays * DAY;
  const intervals = times.slice(1).map((time, index) => time.getTime() - (times[index] as Date).getTime());
  const meanInterval = intervals.length > 0 ? intervals.reduce((sum, value) => sum + value, 0) / intervals.length : null;
  const last = stored.lastPurchaseAt ?? null;
  const predicted = last && meanInterval ? new Date(last.getTime() + meanInterval) : null;
  let repurchase: MemberMetricsView["repurchase"] = "none";
  if (predicted) {
    const overdueAfter = predicted.getTime() + (meanInterval as number) * 0.5;
    repurchase = now.getTime() < predicted.getTime() ? "not_due" : now.getTime() <= overdueAfter ? "due" : "overdue";
  }
  const daysSince = last ? (now.getTime() - last.getTime()) / DAY : Infinity;
  const { recencyDays, frequency, monetary } = program.rfm;
  return {
    totalSpent: stored.totalSpent,
    orderCount: stored.orderCount,
    averageOrderValue: stored.orderCount > 0 ? Math.round(stored.totalSpent / stored.orderCount) : 0,
    firstPurchaseAt: stored.firstPurchaseAt ?? null,
    lastPurchaseAt: last,
    purchasesInWindow: times.filter((time) => time.getTime() >= windowStart).length,
    predictedNextPurchaseAt: predicted,
    repurchase,
    rfm: {
      r: last ? 5 - recencyDays.filter((days) => daysSince > days).length : 0,
      f: 1 + frequency.filter((count) => stored.orderCount >= count).length,
      m: 1 + monetary.filter((fen) => stored.totalSpent >= fen).length,
    },
  };
}
