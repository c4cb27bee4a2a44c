import { chinaDate } from "../../domain/chinaTime.ts";
import { dayNumberOf } from "../../domain/statFigures.ts";
import { ValidationError } from "../../errors.ts";

/** The longest range a statistics page or export covers, in days. */
export const MAX_STATS_DAYS = 366;

/**
 * The range a statistics query covers: the last 30 China days unless given, refused (naming the
 * field) when it runs backwards or is longer than a year.
 *
 * @param query the query's from and to.
 * @param now the clock's now.
 * @returns from and to, YYYY-MM-DD.
 */
export function statsRangeOf(query: { from?: string | undefined; to?: string | undefined }, now: Date): { from: string; to: string } {
  const to = query.to ?? chinaDate(now);
  const from = query.from ?? chinaDate(new Date(Date.parse(`${to}T12:00:00Z`) - 29 * 86_400_000));
  if (from > to) {
    throw ValidationError(`${query.to ? "to" : "from"}: 结束日期不能早于开始日期`);
  }
  if (dayNumberOf(to) - dayNumberOf(from) + 1 > MAX_STATS_DAYS) {
    throw ValidationError(`from: 日期范围不能超过 ${MAX_STATS_DAYS} 天`);
  }
  return { from, to };
}
