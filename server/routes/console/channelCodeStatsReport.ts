import { chinaDayNumber } from "../../domain/chinaTime.ts";
import { daysBetween, groupBy } from "../../domain/statFigures.ts";
import { ChannelCodeStat } from "../../models/ChannelCodeStat.ts";
import { Department } from "../../models/Department.ts";
import { Employee } from "../../models/Employee.ts";
import {
  codeStatFigures,
  type CodeStatGrouping,
  type PresentedChannelCodeStats,
  type PresentedCodeStatOverview,
  type PresentedCodeStatRow,
} from "../../presenters/channelCodeStats.ts";

const COUNTER_FIELDS = { day: 1, userId: 1, storeId: 1, adds: 1, deletedByCustomer: 1, deletedByGuide: 1, lost7: 1, lost30: 1 } as const;

/** Names people read for guides and stores, looked up once per report. */
async function namesOf(userIds: string[], storeIds: string[]): Promise<{ guide: (id: string) => string; store: (id: string) => string }> {
  const [guides, stores] = await Promise.all([
    Employee.find({ userId: { $in: userIds } }, { userId: 1, name: 1 }).lean(),
    Department.find({ departmentId: { $in: storeIds.filter((id) => id !== "").map(Number) } }, { departmentId: 1, name: 1 }).lean(),
  ]);
  const guideNames = new Map(guides.map((guide) => [guide.userId, guide.name]));
  const storeNames = new Map(stores.map((store) => [String(store.departmentId), store.name]));
  return { guide: (id) => guideNames.get(id) || id, store: (id) => (id === "" ? "未分配门店" : storeNames.get(id) || `门店 ${id}`) };
}

/**
 * One code's figures over a range of China days from its counters: every day of the range (for
 * the charts), the breakdown asked for (day, guide or store, with names) and the totals.
 *
 * @param props the code, the range, the breakdown and the clock.
 * @returns the answer of `GET /channel-codes/:id/stats`.
 */
export async function codeStatsReport(props: { code: { id: string; name: string }; from: string; to: string; groupBy: CodeStatGrouping; now: Date }): Promise<PresentedChannelCodeStats> {
  const { code, from, to } = props;
  const today = chinaDayNumber(props.now);
  const counters = await ChannelCodeStat.find({ codeId: code.id, day: { $gte: from, $lte: to } }, COUNTER_FIELDS).sort({ day: 1, userId: 1 }).lean();
  const names = await namesOf([...new Set(counters.map((counter) => counter.userId))], [...new Set(counters.map((counter) => counter.storeId ?? ""))]);
  const byDay = groupBy(counters, (counter) => counter.day);
  const dayRows = daysBetween(from, to).map((day): PresentedCodeStatRow => ({ key: day, label: day, ...codeStatFigures(byDay.get(day) ?? [], today) }));
  const keyOf = props.groupBy === "guide" ? (counter: (typeof counters)[number]) => counter.userId : (counter: (typeof counters)[number]) => counter.storeId ?? "";
  const labelOf = props.groupBy === "guide" ? names.guide : names.store;
  const rows =
    props.groupBy === "day"
      ? dayRows
      : [...groupBy(counters, keyOf)].map(([key, group]): PresentedCodeStatRow => ({ key, label: labelOf(key), ...codeStatFigures(group, today) })).sort((a, b) => b.adds - a.adds || a.label.localeCompare(b.label));
  return {
    codeId: code.id,
    name: code.name,
    from,
    to,
    groupBy: props.groupBy,
    byDay: dayRows,
    rows,
    totals: codeStatFigures(counters, today),
    days: counters.filter((counter) => counter.adds > 0).map((counter) => ({ day: counter.day, userId: counter.userId, adds: counter.adds })),
    total: counters.reduce((sum, counter) => sum + counter.adds, 0),
  };
}

/**
 * Each code's totals over a range of China days, most adds first, with the sum over all of them.
 *
 * @param props the codes (already cut to what the actor may see), the range and the clock.
 * @returns the answer of `GET /channel-codes/stats`.
 */
export async function codeStatsOverview(props: { codes: { id: string; name: string; channel: string }[]; from: string; to: string; now: Date }): Promise<PresentedCodeStatOverview> {
  const today = chinaDayNumber(props.now);
  const counters = await ChannelCodeStat.find({ codeId: { $in: props.codes.map((code) => code.id) }, day: { $gte: props.from, $lte: props.to } }, { ...COUNTER_FIELDS, codeId: 1 }).lean();
  const byCode = groupBy(counters, (counter) => counter.codeId);
  const codes = props.codes
    .map((code) => ({ codeId: code.id, name: code.name, channel: code.channel, ...codeStatFigures(byCode.get(code.id) ?? [], today) }))
    .sort((a, b) => b.adds - a.adds || a.name.localeCompare(b.name));
  return { from: props.from, to: props.to, codes, totals: codeStatFigures(counters, today) };
}
