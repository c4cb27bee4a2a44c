import { CHINA_OFFSET_MS, chinaDayNumber } from "./chinaTime.ts";
import type { Program } from "./program.ts";

const DAY = 86_400_000;
/** Purchase times kept per member: enough for windows and intervals, bounded in size. */
export const KEPT_PURCHASE_TIMES = 50;
/** Orders the sidebar lists, kept on the member so a profile reads them by key. */
export const KEPT_RECENT_ORDERS = 5;

/** Purchase days (not orders: three orders on one day are one visit) needed before predicting. */
export const MIN_PURCHASE_DAYS_TO_PREDICT = 3;

/**
 * When a member is expected back: the last purchase day plus the mean gap between purchase days
 * (China calendar days). Too little history predicts nothing. "Overdue" starts a third of the
 * brand's repurchase window after the predicted day (15 days for a 45-day window, 4 months for a
 * year), so a member a few days late is "due", not lost.
 *
 * @param times purchase times, oldest first.
 * @param windowDays the brand's repurchase window.
 * @returns the predicted day and when lateness becomes overdue, or nulls.
 */
export function predictRepurchase(times: Date[], windowDays: number): { predicted: Date | null; overdueAfter: Date | null } {
  const days = [...new Set(times.map(chinaDayNumber))].sort((a, b) => a - b);
  if (days.length < MIN_PURCHASE_DAYS_TO_PREDICT) {
    return { predicted: null, overdueAfter: null };
  }
  const meanGapDays = ((days.at(-1) as number) - (days[0] as number)) / (days.length - 1);
  // The predicted day starts at China midnight of the last purchase day plus the mean gap.
  const predictedDay = (days.at(-1) as number) + Math.round(meanGapDays);
  const predicted = new Date(predictedDay * DAY - CHINA_OFFSET_MS);
  return { predicted, overdueAfter: new Date(predicted.getTime() + (windowDays / 3) * DAY) };
}

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
  const last = stored.lastPurchaseAt ?? null;
  const { predicted, overdueAfter } = predictRepurchase(times, program.repurchaseWindowDays);
  let repurchase: MemberMetricsView["repurchase"] = "none";
  if (predicted && overdueAfter) {
    repurchase = now.getTime() < predicted.getTime() ? "not_due" : now.getTime() <= overdueAfter.getTime() ? "due" : "overdue";
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
