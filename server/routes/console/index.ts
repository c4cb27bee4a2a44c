import Router from "@koa/router";
import { apiResponse } from "../../middlewares/apiResponse.ts";
import { bearerAuth } from "../../middlewares/bearerAuth.ts";
import { customersRouter } from "./customers.ts";
import { eventsRouter } from "./events.ts";
import { groupsRouter } from "./groups.ts";

/**
 * Everything under /api/console, behind authentication.
 *
 * @param options the SCRM_API_TOKEN that grants admin access.
 * @returns the router.
 */
export function consoleRouter(options: { apiToken: string | undefined }): Router {
  const router = new Router({ prefix: "/api/console" });
  router.use(bearerAuth(options.apiToken), apiResponse());
  for (const child of [customersRouter(), groupsRouter(), eventsRouter()]) {
    router.use(child.routes(), child.allowedMethods());
  }
  return router;
}
