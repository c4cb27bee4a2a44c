import { z } from "zod";
import { exportRange, statsRange } from "./statsRangeSchema.ts";

const id = z.string().regex(/^[0-9a-f]{24}$/, "群活码无效");

export const FunnelStatsSchema = z.object({ params: z.object({ id }), query: z.object(statsRange) });
export const FunnelStatsExportSchema = z.object({ params: z.object({ id }), query: z.object(exportRange) });
