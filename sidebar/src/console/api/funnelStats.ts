// 群活码数据: a funnel's visits, scan joins, leaves, members now and 7-day retention, and the Excel file.
import type { PresentedFunnelStats } from "@server/presenters/funnelStats";
import { api, query } from "@shared/api";
import { consoleUrl, segment } from "./base";
import type { StatsRange } from "./channelCodeStats";

/** A funnel's figures by day and per group (the last 30 days unless a range is given). */
export const fetchFunnelStats = (id: string, range: StatsRange) => api.get<PresentedFunnelStats>(consoleUrl(`/funnels/${segment(id)}/stats${query(range)}`));

/** Where the browser downloads a funnel's figures as Excel. */
export const funnelStatsExportUrl = (id: string, range: { from: string; to: string }) => consoleUrl(`/funnels/${segment(id)}/stats.xlsx${query(range)}`);
