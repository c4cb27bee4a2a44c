import type Router from "@koa/router";
import { createRouter } from "../router.ts";
import { z } from "zod";
import kpiCalculator from "../../commands/kpiCalculator.ts";
import { currentProgram } from "../../commands/programStore.ts";
import { AuthorizationError } from "../../errors.ts";
import { actorOf } from "../../middlewares/authenticate.ts";
import { inputOf, validate } from "../../middlewares/validate.ts";
import { presentKpis } from "../../presenters/kpis.ts";
import type { Actor } from "../../security/authorization.ts";

const DAY = 86_400_000;

const KpiQuerySchema = z.object({
  query: z
    .object({
      from: z.iso.datetime({ offset: true, error: "must be an ISO 8601 time" }).transform((value) => new Date(value)).optional(),
      to: z.iso.datetime({ offset: true, error: "must be an ISO 8601 time" }).transform((value) => new Date(value)).optional(),
      storeId: z.string().regex(/^\d{1,12}$/, "不是有效的门店").optional(),
      window: z.coerce.number().pipe(z.union([z.literal(45), z.literal(90), z.literal(180), z.literal(365)], { error: "must be 45, 90, 180 or 365" })).optional(),
    })
    .refine((query) => !query.from || !query.to || query.from < query.to, { message: "must be before to", path: ["from"] }),
});

/**
 * `GET /api/console/kpis?from=&to=&window=&storeId=`: the membership KPIs (default: the last 30
 * days, the program's repurchase window); a manager's are cut to their stores, and anyone may cut
 * them to one store they may see.
 *
 * @param options the clock.
 * @returns the router (mounted under /api/console).
 */
export function kpisRouter(options: { now: () => Date }): Router {
  const router = createRouter();
  router.get("/kpis", validate(KpiQuerySchema), async (ctx) => {
    const { query } = inputOf(ctx, KpiQuerySchema);
    const to = query.to ?? options.now();
    const from = query.from ?? new Date(to.getTime() - 30 * DAY);
    const { program } = await currentProgram();
    const kpis = await kpiCalculator({ from, to, windowDays: query.window, program, storeIds: kpiStores(actorOf(ctx), query.storeId) });
    ctx.body = { data: presentKpis(kpis) };
  });
  return router;
}

/**
 * Which stores the figures cover: a manager sees only theirs, whatever they ask.
 *
 * @param actor who asks.
 * @param storeId the one store asked for, if any.
 * @returns the stores, or null for the whole brand.
 */
function kpiStores(actor: Actor, storeId: string | undefined): string[] | null {
  if (actor.role !== "manager") {
    return storeId ? [storeId] : null;
  }
  if (storeId && !actor.scopeStoreIds.includes(storeId)) {
    throw AuthorizationError("storeId: 该门店不在您的管辖范围");
  }
  return storeId ? [storeId] : actor.scopeStoreIds;
}
