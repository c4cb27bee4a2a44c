import type Router from "@koa/router";
import { createRouter } from "../router.ts";
import { apiResponse } from "../../middlewares/apiResponse.ts";
import { allow } from "../../middlewares/authenticate.ts";
import { jsonBody } from "../../middlewares/jsonBody.ts";
import type { Area } from "../../security/authorization.ts";
import type { WeComClient } from "../../wecom/client.ts";
import { benefitsRouter } from "./benefits.ts";
import { botRulesRouter } from "./botRules.ts";
import { campaignRemindersRouter, campaignsRouter, guideCampaignsRouter } from "./campaigns.ts";
import { cashTransfersRouter } from "./cashTransfers.ts";
import { channelCodesRouter } from "./channelCodes.ts";
import { channelCodeStatsRouter } from "./channelCodeStats.ts";
import { completionRouter } from "./completion.ts";
import { customersRouter } from "./customers.ts";
import { drawsRouter } from "./draws.ts";
import { eventsRouter } from "./events.ts";
import { funnelsRouter } from "./funnels.ts";
import { funnelStatsRouter } from "./funnelStats.ts";
import { groupsRouter } from "./groups.ts";
import { kpisRouter } from "./kpis.ts";
import { lossesRouter } from "./losses.ts";
import { memberHistoryRouter } from "./memberHistory.ts";
import { mediaRouter } from "./media.ts";
import { membersRouter } from "./members.ts";
import { massMessagesRouter } from "./massMessages.ts";
import { momentsRouter } from "./moments.ts";
import { ordersRouter } from "./orders.ts";
import { orgRouter } from "./org.ts";
import { programRouter } from "./program.ts";
import { quickRepliesRouter } from "./quickReplies.ts";
import { rolesRouter } from "./roles.ts";
import { segmentsRouter } from "./segments.ts";
import { tagRulesRouter } from "./tagRules.ts";
import { tagsRouter } from "./tags.ts";
import { taskRulesRouter } from "./taskRules.ts";
import { transfersRouter } from "./transfers.ts";

const PREFIX = "/api/console";

/**
 * Everything under /api/console (authenticated by the app's gate before any router runs); each child router is one area of
 * server/security/authorization.ts, checked before its routes run.
 *
 * @param options the SCRM_API_TOKEN that grants admin access, the WeCom client and the clock.
 * @returns the router.
 */
export function consoleRouter(options: { apiToken: string | undefined; now: () => Date; wecom: WeComClient; publicUrl?: string | undefined; agentId?: string | undefined }): Router {
  const router = createRouter({ prefix: PREFIX });
  router.use(apiResponse(), jsonBody({ limit: "8mb" }));
  const children: [Area, Router][] = [
    ["customers", customersRouter()],
    ["groups", groupsRouter(options)],
    ["losses", lossesRouter(options)],
    ["events", eventsRouter()],
    ["orders", ordersRouter(options)],
    ["members", membersRouter(options)],
    ["members", memberHistoryRouter()],
    ["program", programRouter(options)],
    ["tags", tagsRouter(options)],
    ["tags", tagRulesRouter()],
    ["segments", segmentsRouter(options)],
    ["benefits", benefitsRouter(options)],
    ["kpis", kpisRouter(options)],
    ["org", orgRouter(options)],
    ["roles", rolesRouter(options)],
    ["quick_replies", quickRepliesRouter()],
    // The statistics routers go first: their fixed paths (/channel-codes/stats) would otherwise match /:id.
    ["funnels", funnelStatsRouter(options)],
    ["funnels", funnelsRouter(options)],
    ["channel_codes", channelCodeStatsRouter(options)],
    ["channel_codes", channelCodesRouter(options)],
    ["cash_transfers", cashTransfersRouter(options)],
    ["bot", botRulesRouter()],
    ["draws", drawsRouter(options)],
    ["moments", momentsRouter(options)],
    ["mass_messages", massMessagesRouter(options)],
    ["media", mediaRouter()],
    ["transfers", transfersRouter(options)],
    ["task_rules", taskRulesRouter(options)],
    ["completion", completionRouter(options)],
    // Completion (完成情况) per kind under the kind's area; 催办 under its own (managers write it too).
    ["moments", campaignsRouter({ kind: "moment" })],
    ["mass_messages", campaignsRouter({ kind: "mass" })],
    ["moments", guideCampaignsRouter()],
    ["campaign_reminders", campaignRemindersRouter({ ...options, kind: "moment" })],
    ["campaign_reminders", campaignRemindersRouter({ ...options, kind: "mass" })],
  ];
  for (const [area, child] of children) {
    // @koa/router flattens nested routers, so a guard must itself ask whether its child's routes
    // match; otherwise it would run for every console request.
    const guard = allow(area);
    router.use((ctx, next) => (child.match(ctx.path.slice(PREFIX.length), ctx.method).route ? guard(ctx, next) : next()));
    router.use(child.routes(), child.allowedMethods());
  }
  return router;
}
