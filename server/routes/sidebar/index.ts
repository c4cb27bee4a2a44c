import type Router from "@koa/router";
import { createRouter } from "../router.ts";
import { apiResponse } from "../../middlewares/apiResponse.ts";
import { allow } from "../../middlewares/authenticate.ts";
import { jsonBody } from "../../middlewares/jsonBody.ts";
import type { WeComClient } from "../../wecom/client.ts";
import type { JsApiTickets } from "../../wecom/jsapiTickets.ts";
import { sidebarChangesRouter, type ChangeStreamOptions } from "./changes.ts";
import { sidebarCustomersRouter } from "./customers.ts";
import { sidebarDrawLinksRouter } from "./drawLinks.ts";
import { sidebarGroupsRouter } from "./groups.ts";
import { sidebarJsSdkRouter } from "./jssdk.ts";
import { sidebarQuickRepliesRouter } from "./quickReplies.ts";
import { sidebarTasksRouter } from "./tasks.ts";

/**
 * Everything under /api/sidebar: the guide's view of the chat it is opened in. Record-level
 * checks (own customers, own groups) are in each route, through server/security/authorization.ts.
 *
 * @param options the WeCom client, JS-SDK tickets, the SCRM_API_TOKEN, the stand-in switch and the clock.
 * @returns the router.
 */
export function sidebarRouter(options: { wecom: WeComClient; tickets: JsApiTickets; apiToken: string | undefined; standIn: boolean; now: () => Date; changes?: ChangeStreamOptions }): Router {
  const router = createRouter({ prefix: "/api/sidebar" });
  router.use(apiResponse(), allow("sidebar"), jsonBody({ limit: "64kb" }));
  for (const child of [sidebarCustomersRouter(options), sidebarGroupsRouter(), sidebarJsSdkRouter(options), sidebarQuickRepliesRouter(), sidebarDrawLinksRouter(options), sidebarTasksRouter(options), sidebarChangesRouter(options.changes)]) {
    router.use(child.routes(), child.allowedMethods());
  }
  return router;
}
