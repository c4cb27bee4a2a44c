import { PassThrough } from "node:stream";
import type Router from "@koa/router";
import { createRouter } from "../router.ts";
import lossExporter from "../../commands/lossExporter.ts";
import { actorOf } from "../../middlewares/authenticate.ts";
import { inputOf, validate } from "../../middlewares/validate.ts";
import { chinaDate } from "../../domain/chinaTime.ts";
import { ValidationError } from "../../errors.ts";
import type { Logger } from "../../logging/logger.ts";
import { CustomerLoss } from "../../models/CustomerLoss.ts";
import { Department } from "../../models/Department.ts";
import { Employee } from "../../models/Employee.ts";
import { presentLoss } from "../../presenters/loss.ts";
import { lossScopeFilter, type Actor } from "../../security/authorization.ts";
import { LossExportSchema, LossListSchema, type LossFilterQuery } from "./customersSchema.ts";
import { assertGuideExists, chinaDayBound } from "./customerList.ts";

// The filters of the list and the export, cut to what the actor may see. Refusals name the field.
async function lossFilter(actor: Actor, query: Omit<LossFilterQuery, "page" | "pageSize">): Promise<Record<string, unknown>> {
  const conditions: Record<string, unknown>[] = [lossScopeFilter(actor)];
  if (query.guide) {
    await assertGuideExists(query.guide, "guide");
    conditions.push({ userId: query.guide });
  }
  if (query.storeId) {
    if (!(await Department.exists({ departmentId: Number(query.storeId) }))) {
      throw ValidationError("storeId: 找不到该门店");
    }
    // The store is the guide's when the loss happened, kept on the loss.
    conditions.push({ storeId: query.storeId });
  }
  if (query.state) {
    conditions.push({ state: query.state });
  }
  if (query.from && query.to && query.from > query.to) {
    throw ValidationError("to: 结束日期不能早于开始日期");
  }
  if (query.from || query.to) {
    conditions.push({ deletedAt: { ...(query.from ? { $gte: chinaDayBound(query.from) } : {}), ...(query.to ? { $lt: chinaDayBound(query.to, true) } : {}) } });
  }
  return { $and: conditions };
}

/**
 * Console loss routes (流失记录): customers who deleted a guide, listed and exported.
 *
 * @param options the clock (the export's file name carries the day).
 * @returns the router (mounted under /api/console).
 */
export function lossesRouter(options: { now: () => Date } = { now: () => new Date() }): Router {
  const router = createRouter();
  router.get("/losses", validate(LossListSchema), async (ctx) => {
    const { query } = inputOf(ctx, LossListSchema);
    const filter = await lossFilter(actorOf(ctx), query);
    const [losses, total] = await Promise.all([
      CustomerLoss.find(filter).sort({ deletedAt: -1, _id: -1 }).skip((query.page - 1) * query.pageSize).limit(query.pageSize).lean(),
      CustomerLoss.countDocuments(filter),
    ]);
    const [guides, stores] = await Promise.all([
      Employee.find({ userId: { $in: [...new Set(losses.map((loss) => loss.userId))] } }, { userId: 1, name: 1 }).lean(),
      Department.find({ departmentId: { $in: [...new Set(losses.flatMap((loss) => (loss.storeId ? [Number(loss.storeId)] : [])))] } }, { departmentId: 1, name: 1 }).lean(),
    ]);
    const names = {
      guides: new Map(guides.map((guide) => [guide.userId, guide.name])),
      stores: new Map(stores.map((store) => [String(store.departmentId), store.name])),
    };
    ctx.body = { data: losses.map((loss) => presentLoss(loss, names)), pagination: { page: query.page, pageSize: query.pageSize, total } };
  });
  router.get("/losses/export", validate(LossExportSchema), async (ctx) => {
    const { query } = inputOf(ctx, LossExportSchema);
    // Everything that can fail with a proper status fails before the first byte is sent.
    const filter = await lossFilter(actorOf(ctx), query);
    if (chinaDayBound(query.to).getTime() - chinaDayBound(query.from).getTime() > 366 * 86_400_000) {
      throw ValidationError("from: 导出的日期范围不能超过 366 天");
    }
    const output = new PassThrough();
    ctx.attachment(`流失记录-${chinaDate(options.now())}.xlsx`);
    ctx.body = output;
    const log = ctx.state.log as Logger | undefined;
    lossExporter({ filter, output }).catch((error: unknown) => {
      log?.error({ err: error }, "loss export failed");
      output.destroy(error instanceof Error ? error : new Error(String(error)));
    });
  });
  return router;
}
