import { z } from "zod";
import { CODE_STAT_GROUPINGS } from "../../presenters/channelCodeStats.ts";
import { exportRange, statsRange } from "./statsRangeSchema.ts";

const id = z.string().regex(/^[0-9a-f]{24}$/, "应为活码 id");

export const CodeStatsSchema = z.object({
  params: z.object({ id }),
  query: z.object({ ...statsRange, groupBy: z.enum(CODE_STAT_GROUPINGS, "应为 day、guide 或 store").default("day") }),
});
export const CodeStatsExportSchema = z.object({ params: z.object({ id }), query: z.object(exportRange) });
export const CodeStatsOverviewSchema = z.object({ query: z.object(statsRange) });
export const CodeStatsOverviewExportSchema = z.object({ query: z.object(exportRange) });
