import { bodyParser } from "@koa/bodyparser";
import Router from "@koa/router";
import { apiResponse } from "../../middlewares/apiResponse.ts";
import { bearerAuth } from "../../middlewares/bearerAuth.ts";
import { benefitsRouter } from "./benefits.ts";
import { customersRouter } from "./customers.ts";
import { eventsRouter } from "./events.ts";
import { groupsRouter } from "./groups.ts";
import { kpisRouter } from "./kpis.ts";
import { membersRouter } from "./members.ts";
import { ordersRouter } from "./orders.ts";
import { programRouter } from "./program.ts";
import { segmentsRouter } from "./segments.ts";
import { tagRulesRouter } from "./tagRules.ts";
import { tagsRouter } from "./tags.ts";
import type { WeComClient } from "../../wecom/client.ts";

/**
 * Everything under /api/console, behind authentication.
 *
 * @param options the SCRM_API_TOKEN that grants admin access, the WeCom client and the clock.
 * @returns the router.
 */
export function consoleRouter(options: { apiToken: string | undefined; now: () => Date; wecom: WeComClient }): Router {
  const router = new Router({ prefix: "/api/console" });
  // Authenticate before reading a body; 8 MB fits a batch of 1,000 orders.
  router.use(bearerAuth(options.apiToken), apiResponse(), bodyParser({ enableTypes: ["json"], jsonLimit: "8mb" }));
  const children = [customersRouter(), groupsRouter(), eventsRouter(), ordersRouter(options), membersRouter(options), programRouter(options), tagsRouter(options), tagRulesRouter(), segmentsRouter(options), benefitsRouter(options), kpisRouter(options)];
  for (const child of children) {
    router.use(child.routes(), child.allowedMethods());
  }
  return router;
}
