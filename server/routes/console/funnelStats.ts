import type Router from "@koa/router";
import { createRouter } from "../router.ts";
import { funnelStatsReport, funnelStatsWorkbook } from "./funnelStatsReport.ts";
import { NotFoundError } from "../../errors.ts";
import { inputOf, validate } from "../../middlewares/validate.ts";
import { Funnel, type StoredFunnel } from "../../models/Funnel.ts";
import { FunnelStatsExportSchema, FunnelStatsSchema } from "./funnelStatsSchema.ts";
import { statsRangeOf } from "./statsRange.ts";

async function funnelOf(id: string): Promise<StoredFunnel> {
  const funnel = await Funnel.findById(id).lean<StoredFunnel>();
  if (!funnel) {
    throw NotFoundError("funnel");
  }
  return funnel;
}

/**
 * 群活码 statistics: visits, scan joins, leaves, members now and 7-day retention, by day and per
 * group, and the same as Excel.
 *
 * @param options the clock (ranges default to the last 30 China days; retention is due by it).
 * @returns the router (mounted under /api/console).
 */
export function funnelStatsRouter({ now }: { now: () => Date }): Router {
  const router = createRouter();
  router.get("/funnels/:id/stats", validate(FunnelStatsSchema), async (ctx) => {
    const { params, query } = inputOf(ctx, FunnelStatsSchema);
    const funnel = await funnelOf(params.id);
    ctx.body = { data: await funnelStatsReport({ funnel, ...statsRangeOf(query, now()), now: now() }) };
  });
  router.get("/funnels/:id/stats.xlsx", validate(FunnelStatsExportSchema), async (ctx) => {
    const { params, query } = inputOf(ctx, FunnelStatsExportSchema);
    const funnel = await funnelOf(params.id);
    const { fileName, bytes } = await funnelStatsWorkbook(await funnelStatsReport({ funnel, ...statsRangeOf(query, now()), now: now() }));
    ctx.attachment(fileName);
    ctx.type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    ctx.body = bytes;
  });
  return router;
}
