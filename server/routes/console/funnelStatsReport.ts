import { chinaDayNumber } from "../../domain/chinaTime.ts";
import { daysBetween, groupBy } from "../../domain/statFigures.ts";
import type { StoredFunnel } from "../../models/Funnel.ts";
import { FunnelStat, FunnelVisitDay } from "../../models/FunnelStat.ts";
import { Group } from "../../models/Group.ts";
import { funnelStatFigures, type PresentedFunnelGroupStats, type PresentedFunnelStats } from "../../presenters/funnelStats.ts";
import statsWorkbook, { PERCENT_FORMAT, statsFileName } from "../../commands/statsWorkbook.ts";

/**
 * A funnel's figures over a range of China days from its counters: landing visits, scan joins, leaves and 7-day retention by day and per group, and the members now.
 *
 * @param props the funnel, the range and the clock.
 * @returns the answer of `GET /funnels/:id/stats`.
 */
export async function funnelStatsReport(props: { funnel: StoredFunnel; from: string; to: string; now: Date }): Promise<PresentedFunnelStats> {
  const { funnel, from, to } = props;
  const funnelId = String(funnel._id);
  const today = chinaDayNumber(props.now);
  const [counters, visitDays] = await Promise.all([
    FunnelStat.find({ funnelId, day: { $gte: from, $lte: to } }, { day: 1, chatId: 1, joins: 1, leaves: 1, lost7: 1 }).lean(),
    FunnelVisitDay.find({ funnelId, day: { $gte: from, $lte: to } }, { day: 1, visits: 1, visitors: 1 }).lean(),
  ]);
  const visitsOn = new Map(visitDays.map((visitDay) => [visitDay.day, visitDay]));
  const byDay = groupBy(counters, (counter) => counter.day);
  const byChat = groupBy(counters, (counter) => counter.chatId);
  const groups: PresentedFunnelGroupStats[] = funnel.groups.map((group) => ({
    key: group.key,
    chatId: group.chatId ?? null,
    name: group.name,
    kind: group.kind,
    memberCount: group.memberCount,
    dismissed: group.dismissed,
    ...funnelStatFigures(group.chatId ? (byChat.get(group.chatId) ?? []) : [], today),
  }));
  // A group that left the pool still counted in the range: shown with its stored name.
  const gone = [...byChat.keys()].filter((chatId) => !funnel.groups.some((group) => group.chatId === chatId));
  const stored = gone.length > 0 ? await Group.find({ chatId: { $in: gone } }, { chatId: 1, name: 1 }).lean() : [];
  for (const chatId of gone) {
    const name = stored.find((group) => group.chatId === chatId)?.name || chatId;
    groups.push({ key: chatId, chatId, name: `${name}（已移出）`, kind: "wecom", memberCount: 0, dismissed: false, ...funnelStatFigures(byChat.get(chatId) ?? [], today) });
  }
  return {
    funnelId,
    name: funnel.name,
    from,
    to,
    visits: funnel.stats?.visits ?? 0,
    visitors: funnel.stats?.visitors ?? 0,
    rangeVisits: visitDays.reduce((sum, visitDay) => sum + visitDay.visits, 0),
    rangeVisitors: visitDays.reduce((sum, visitDay) => sum + visitDay.visitors, 0),
    membersNow: funnel.groups.filter((group) => !group.dismissed).reduce((sum, group) => sum + group.memberCount, 0),
    totals: funnelStatFigures(counters, today),
    byDay: daysBetween(from, to).map((day) => ({ day, ...funnelStatFigures(byDay.get(day) ?? [], today), visits: visitsOn.get(day)?.visits ?? 0, visitors: visitsOn.get(day)?.visitors ?? 0 })),
    groups,
  };
}

/**
 * A funnel's statistics as a workbook: by day and by group, with totals.
 *
 * @param stats the funnel's report.
 * @returns the file name and the .xlsx bytes.
 */
export async function funnelStatsWorkbook(stats: PresentedFunnelStats): Promise<{ fileName: string; bytes: Buffer }> {
  const figureColumns = [
    { header: "扫码入群", width: 10 },
    { header: "退群", width: 8 },
    { header: "7日留存率", width: 11, numFmt: PERCENT_FORMAT },
  ];
  const bytes = await statsWorkbook([
    {
      name: "按日",
      columns: [{ header: "日期", width: 12 }, { header: "访问", width: 8 }, { header: "新访客", width: 8 }, ...figureColumns],
      rows: [
        ...stats.byDay.map((day) => [day.day, day.visits, day.visitors, day.joins, day.leaves, day.retention7]),
        ["合计", stats.rangeVisits, stats.rangeVisitors, stats.totals.joins, stats.totals.leaves, stats.totals.retention7],
      ],
    },
    {
      name: "按群",
      columns: [{ header: "客户群", width: 22 }, { header: "类型", width: 10 }, { header: "当前人数", width: 10 }, ...figureColumns],
      rows: [
        ...stats.groups.map((group) => [group.name || "未命名群", group.kind === "wecom" ? "企业微信群" : "上传群码", group.memberCount, group.joins, group.leaves, group.retention7]),
        ["合计", "", stats.membersNow, stats.totals.joins, stats.totals.leaves, stats.totals.retention7],
      ],
    },
    {
      name: "落地页",
      columns: [{ header: "累计访问", width: 12 }, { header: "累计访客", width: 12 }],
      rows: [[stats.visits, stats.visitors]],
    },
  ]);
  return { fileName: statsFileName(stats.name, "群活码数据", `${stats.from}至${stats.to}`), bytes };
}
