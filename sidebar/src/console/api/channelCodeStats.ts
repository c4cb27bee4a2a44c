// 渠道活码数据: one code's figures by day, guide or store, the overview across codes, and their Excel files.
import type { CodeStatGrouping, PresentedChannelCodeStats, PresentedCodeStatOverview } from "@server/presenters/channelCodeStats";
import { api, query } from "@shared/api";
import { consoleUrl, segment } from "./base";

/** A range of China dates, YYYY-MM-DD (the server takes the last 30 days when none is given). */
export type StatsRange = { from?: string; to?: string };

/** One code's figures: every day of the range, and the breakdown by day, guide or store. */
export const fetchCodeStats = (id: string, params: StatsRange & { groupBy: CodeStatGrouping }) =>
  api.get<PresentedChannelCodeStats>(consoleUrl(`/channel-codes/${segment(id)}/stats${query(params)}`));

/** Where the browser downloads one code's figures as Excel (by day, guide and store). */
export const codeStatsExportUrl = (id: string, range: { from: string; to: string }) => consoleUrl(`/channel-codes/${segment(id)}/stats.xlsx${query(range)}`);

/** Each code's totals over a range (a manager sees their stores' codes). */
export const fetchCodeStatsOverview = (range: StatsRange) => api.get<PresentedCodeStatOverview>(consoleUrl(`/channel-codes/stats${query(range)}`));

/** Where the browser downloads the overview as Excel. */
export const codeStatsOverviewExportUrl = (range: { from: string; to: string }) => consoleUrl(`/channel-codes/stats.xlsx${query(range)}`);
