import { PassThrough } from "node:stream";
import type Router from "@koa/router";
import type { Context, Next } from "koa";
import type { Logger } from "pino";
import { createRouter } from "../router.ts";
import { createDraw, deleteDraw, setDrawStatus, updateDraw } from "../../commands/drawEditor.ts";
import { drawAuditPage } from "../../commands/drawAuditReader.ts";
import { changeFulfilment } from "../../commands/drawFulfilment.ts";
import { drawStats, drawStocks, winnerNames, winnersPage } from "../../commands/drawReports.ts";
import drawWinnersExporter from "../../commands/drawWinnersExporter.ts";
import { escapeRegex } from "../../domain/regex.ts";
import { chinaDate } from "../../domain/chinaTime.ts";
import { AuthorizationError, NotFoundError } from "../../errors.ts";
import { actorOf } from "../../middlewares/authenticate.ts";
import { inputOf, validate } from "../../middlewares/validate.ts";
import { LuckyDraw, type StoredDraw } from "../../models/LuckyDraw.ts";
import { presentDraw, presentWinner, type DrawStats } from "../../presenters/draw.ts";
import { presentDrawAudit } from "../../presenters/drawAudit.ts";
import { drawWinnerScope } from "../../security/authorization.ts";
import { chinaDayBound } from "./customerList.ts";
import { DrawAuditSchema, DrawCreateSchema, DrawIdSchema, DrawListSchema, DrawStatusSchema, DrawUpdateSchema, DrawWinnersSchema, FulfilmentSchema } from "./drawsSchema.ts";

async function drawOf(id: string): Promise<StoredDraw> {
  const draw = (await LuckyDraw.findById(id).lean()) as StoredDraw | null;
  if (!draw) {
    throw NotFoundError("draw");
  }
  return draw;
}

/** `抽奖-<name>-中奖名单-<YYYY-MM-DD>.xlsx`, with characters no file system accepts replaced. */
function exportFilename(name: string, now: Date): string {
  // eslint-disable-next-line no-control-regex
  return `抽奖-${name.replace(/[\\/:*?"<>|\u0000-\u001f]/g, "_")}-中奖名单-${chinaDate(now)}.xlsx`;
}

/**
 * 抽奖活动 in the console: draws, their figures, winners, fulfilment and audit (docs/draws.md). The draw
 * page itself is server/routes/draw.
 *
 * @param options the clock.
 * @returns the router (mounted under /api/console).
 */
export function drawsRouter(options: { now: () => Date }): Router {
  const router = createRouter();
  const context = (actorId: string | null) => ({ actorId, now: options.now() });

  router.get("/draws", validate(DrawListSchema), async (ctx) => {
    const { query } = inputOf(ctx, DrawListSchema);
    const filter: Record<string, unknown> = {};
    if (query.q) {
      const pattern = new RegExp(escapeRegex(query.q), "i");
      filter.$or = [{ name: pattern }, { slug: pattern }];
    }
    if (query.status) {
      filter.status = query.status;
    }
    const [draws, total] = await Promise.all([
      LuckyDraw.find(filter).sort({ updatedAt: -1, _id: -1 }).skip((query.page - 1) * query.pageSize).limit(query.pageSize).lean() as Promise<StoredDraw[]>,
      LuckyDraw.countDocuments(filter),
    ]);
    ctx.body = { data: draws.map((draw) => presentDraw(draw)), pagination: { page: query.page, pageSize: query.pageSize, total } };
  });

  router.post("/draws", validate(DrawCreateSchema), async (ctx) => {
    const { body } = inputOf(ctx, DrawCreateSchema);
    const draw = await createDraw(body, context(actorOf(ctx).userId));
    ctx.status = 201;
    ctx.body = { data: presentDraw(draw, await drawStocks(draw._id)) };
  });

  router.get("/draws/:id", validate(DrawIdSchema), async (ctx) => {
    const draw = await drawOf(inputOf(ctx, DrawIdSchema).params.id);
    ctx.body = { data: presentDraw(draw, await drawStocks(draw._id)) };
  });

  router.put("/draws/:id", validate(DrawUpdateSchema), async (ctx) => {
    const { params, body } = inputOf(ctx, DrawUpdateSchema);
    const draw = await updateDraw(params.id, body, context(actorOf(ctx).userId));
    ctx.body = { data: presentDraw(draw, await drawStocks(draw._id)) };
  });

  router.post("/draws/:id/status", validate(DrawStatusSchema), async (ctx) => {
    const { params, body } = inputOf(ctx, DrawStatusSchema);
    const draw = await setDrawStatus(params.id, body.status, context(actorOf(ctx).userId));
    ctx.body = { data: presentDraw(draw, await drawStocks(draw._id)) };
  });

  router.delete("/draws/:id", validate(DrawIdSchema), async (ctx) => {
    const { params } = inputOf(ctx, DrawIdSchema);
    await deleteDraw(params.id);
    ctx.body = { data: { id: params.id, deleted: true } };
  });

  router.get("/draws/:id/stats", validate(DrawIdSchema), async (ctx) => {
    const draw = await drawOf(inputOf(ctx, DrawIdSchema).params.id);
    const stats: DrawStats = await drawStats(draw, options.now());
    ctx.body = { data: stats };
  });

  router.get("/draws/:id/winners", validate(DrawWinnersSchema), async (ctx) => {
    const { params, query } = inputOf(ctx, DrawWinnersSchema);
    const draw = await drawOf(params.id);
    const scope = await drawWinnerScope(actorOf(ctx));
    const page = await winnersPage({ drawId: draw._id, prizeId: query.prizeId, status: query.status, externalUserIds: scope }, query.page, query.pageSize, options.now());
    ctx.body = {
      data: page.wins.map((win) => presentWinner(win, page.names.get(win._id) ?? "微信用户", page.cash.get(win._id) ?? null)),
      pagination: { page: query.page, pageSize: query.pageSize, total: page.total },
    };
  });

  // Managers read the lines about the customers whose wins they see (drawWinnerScope); the lines
  // carry no openid, phone or address, only the participant key's hash.
  router.get("/draws/:id/audit", validate(DrawAuditSchema), async (ctx) => {
    const { params, query } = inputOf(ctx, DrawAuditSchema);
    const draw = await drawOf(params.id);
    const scope = await drawWinnerScope(actorOf(ctx));
    const range = { from: query.from ? chinaDayBound(query.from) : null, to: query.to ? chinaDayBound(query.to, true) : null };
    const page = await drawAuditPage({ drawId: draw._id, kind: query.kind, ...range, winId: query.winId, externalUserIds: scope }, query.page, query.pageSize);
    const names = { prizes: new Map(draw.prizes.map((prize) => [prize.id, { name: prize.name, kind: prize.kind }])), employees: page.employees };
    ctx.body = { data: page.lines.map((line) => presentDrawAudit(line, names)), pagination: { page: query.page, pageSize: query.pageSize, total: page.total } };
  });

  // Addresses and full phones: only for those who ship the prizes (docs/draws.md), checked
  // before anything else is read.
  const shippersOnly = async (ctx: Context, next: Next) => {
    const actor = actorOf(ctx);
    if (actor.role !== "admin" && actor.role !== "operator") {
      throw AuthorizationError("只有管理员和运营可以导出中奖名单");
    }
    await next();
  };

  router.get("/draws/:id/winners/export", shippersOnly, validate(DrawWinnersSchema), async (ctx) => {
    const { params, query } = inputOf(ctx, DrawWinnersSchema);
    const draw = await drawOf(params.id);
    const now = options.now();
    const output = new PassThrough();
    ctx.attachment(exportFilename(draw.name, now));
    ctx.body = output;
    const log = ctx.state.log as Logger | undefined;
    drawWinnersExporter({ filter: { drawId: draw._id, prizeId: query.prizeId, status: query.status }, now, output }).catch((error: unknown) => {
      log?.error({ err: error, drawId: params.id }, "draw winners export failed");
      output.destroy(error instanceof Error ? error : new Error(String(error)));
    });
  });

  router.put("/draws/:id/winners/:winId/fulfilment", validate(FulfilmentSchema), async (ctx) => {
    const { params, body } = inputOf(ctx, FulfilmentSchema);
    const change = body.status === "shipped" ? { status: "shipped" as const, trackingNo: body.trackingNo, carrier: body.carrier } : { status: "signed" as const };
    const win = await changeFulfilment({ drawId: params.id, winId: params.winId, change, actorId: actorOf(ctx).userId, now: options.now() });
    const names = await winnerNames([win]);
    ctx.body = { data: presentWinner(win, names.get(win._id) ?? "微信用户", null) };
  });

  return router;
}
