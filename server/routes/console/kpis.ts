import type Router from "@koa/router";
import { createRouter } from "../router.ts";
import { z } from "zod";
import kpiCalculator from "../../commands/kpiCalculator.ts";
import { currentProgram } from "../../commands/programStore.ts";
import { validate } from "../../middlewares/validate.ts";

const DAY = 86_400_000;

const KpiQuerySchema = z.object({
  query: z
    .object({
      from: z.iso.datetime({ offset: true, error: "must be an ISO 8601 time" }).transform((value) => new Date(value)).optional(),
      to: z.iso.datetime({ offset: true, error: "must be an ISO 8601 time" }).transform((value) => new Date(value)).optional(),
      window: z.coerce.number().pipe(z.union([z.literal(45), z.literal(90), z.literal(180), z.literal(365)], { error: "must be 45, 90, 180 or 365" })).optional(),
    })
    .refine((query) => !query.from || !query.to || query.from < query.to, { message: "must be before to", path: ["from"] }),
});

/**
 * `GET /api/console/kpis?from=&to=&window=`: the membership KPIs (default: the last 30 days, the
 * program's repurchase window).
 *
 * @param options the clock.
 * @returns the router (mounted under /api/console).
 */
export function kpisRouter(options: { now: () => Date }): Router {
  const router = createRouter();
  router.get("/kpis", validate(KpiQuerySchema), async (ctx) => {
    const { query } = ctx.state.input as z.infer<typeof KpiQuerySchema>;
    const to = query.to ?? options.now();
    const from = query.from ?? new Date(to.getTime() - 30 * DAY);
    const { program } = await currentProgram();
    const kpis = await kpiCalculator({ from, to, windowDays: query.window, program });
    ctx.body = { data: { ...kpis, period: { from: from.toISOString(), to: to.toISOString() } } };
  });
  return router;
}
