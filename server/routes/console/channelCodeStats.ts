import type Router from "@koa/router";
import { createRouter } from "../router.ts";
import { codeOverviewWorkbook, codeStatsWorkbook } from "./channelCodeStatsExport.ts";
import { codeStatsOverview, codeStatsReport } from "./channelCodeStatsReport.ts";
import { statsFileName } from "../../commands/statsWorkbook.ts";
import { actorOf } from "../../middlewares/authenticate.ts";
import { inputOf, validate } from "../../middlewares/validate.ts";
import { ChannelCode } from "../../models/ChannelCode.ts";
import { channelCodeScopeFilter, type Actor } from "../../security/authorization.ts";
import { visibleCode } from "./channelCodes.ts";
import { CodeStatsExportSchema, CodeStatsOverviewExportSchema, CodeStatsOverviewSchema, CodeStatsSchema } from "./channelCodeStatsSchema.ts";
import { statsRangeOf } from "./statsRange.ts";

const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

// The codes the overview covers: all for admins and operators, a manager's stores' and guides' for a manager.
async function codesInScope(actor: Actor) {
  const codes = await ChannelCode.find((await channelCodeScopeFilter(actor)) ?? {}, { name: 1, channel: 1 }).lean();
  return codes.map((code) => ({ id: String(code._id), name: code.name, channel: code.channel }));
}

/**
 * Channel code statistics (渠道活码数据): one code's figures by day, guide or store, the overview
 * across codes, and both as Excel. Mounted before channelCodesRouter, whose `/channel-codes/:id`
 * would otherwise take `/channel-codes/stats` for an id.
 *
 * @param options the clock (ranges default to the last 30 China days; retention is due by it).
 * @returns the router (mounted under /api/console).
 */
export function channelCodeStatsRouter({ now }: { now: () => Date }): Router {
  const router = createRouter();
  router.get("/channel-codes/stats", validate(CodeStatsOverviewSchema), async (ctx) => {
    const { query } = inputOf(ctx, CodeStatsOverviewSchema);
    const range = statsRangeOf(query, now());
    ctx.body = { data: await codeStatsOverview({ codes: await codesInScope(actorOf(ctx)), ...range, now: now() }) };
  });
  router.get("/channel-codes/stats.xlsx", validate(CodeStatsOverviewExportSchema), async (ctx) => {
    const { query } = inputOf(ctx, CodeStatsOverviewExportSchema);
    const range = statsRangeOf(query, now());
    const overview = await codeStatsOverview({ codes: await codesInScope(actorOf(ctx)), ...range, now: now() });
    ctx.attachment(statsFileName("渠道活码数据", `${range.from}至${range.to}`));
    ctx.type = XLSX;
    ctx.body = await codeOverviewWorkbook(overview);
  });
  router.get("/channel-codes/:id/stats", validate(CodeStatsSchema), async (ctx) => {
    const { params, query } = inputOf(ctx, CodeStatsSchema);
    const code = await visibleCode(actorOf(ctx), params.id);
    const range = statsRangeOf(query, now());
    ctx.body = { data: await codeStatsReport({ code: { id: params.id, name: code.name }, ...range, groupBy: query.groupBy, now: now() }) };
  });
  router.get("/channel-codes/:id/stats.xlsx", validate(CodeStatsExportSchema), async (ctx) => {
    const { params, query } = inputOf(ctx, CodeStatsExportSchema);
    const code = await visibleCode(actorOf(ctx), params.id);
    const range = statsRangeOf(query, now());
    const workbook = await codeStatsWorkbook({ code: { id: params.id, name: code.name }, ...range, now: now() });
    ctx.attachment(statsFileName(code.name, "数据", `${range.from}至${range.to}`));
    ctx.type = XLSX;
    ctx.body = workbook;
  });
  return router;
}
