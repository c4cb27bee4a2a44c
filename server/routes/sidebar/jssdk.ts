import type Router from "@koa/router";
import { createRouter } from "../router.ts";
import { z } from "zod";
import { presentDevContexts } from "../../presenters/standIn.ts";
import { NotFoundError } from "../../errors.ts";
import { actorOf } from "../../middlewares/authenticate.ts";
import { inputOf, validate } from "../../middlewares/validate.ts";
import { Customer } from "../../models/Customer.ts";
import { Follow } from "../../models/Follow.ts";
import { Group } from "../../models/Group.ts";
import type { JsApiTickets } from "../../wecom/jsapiTickets.ts";

const SignatureSchema = z.object({
  query: z.object({
    url: z.url().max(2048),
    type: z.enum(["config", "agentConfig"]),
    // The page's second try after a failed config, naming the ticket (by the `ticketId` it was
    // given) that failed. Without a ticketId there is nothing to check the claim against, so the
    // cached ticket signs: a bare fresh=1 (from a page built before ticketId) costs no fetch.
    fresh: z.enum(["0", "1"]).default("0"),
    ticketId: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, "不是有效的票据编号")
      .optional(),
  }),
});

const DEV_CONTEXT_LIMIT = 50;

/**
 * JS-SDK signing for `ww.register`, and (outside production) the chats the local stand-in may
 * pretend to be open on.
 *
 * @param options the ticket cache and whether the stand-in is allowed.
 * @returns the router (mounted under /api/sidebar).
 */
export function sidebarJsSdkRouter(options: { tickets: JsApiTickets; standIn: boolean }): Router {
  const router = createRouter();
  router.get("/jssdk/signature", validate(SignatureSchema), async (ctx) => {
    const { query } = inputOf(ctx, SignatureSchema);
    const failedTicketId = query.fresh === "1" ? query.ticketId : undefined;
    ctx.body = { data: await options.tickets.sign(query.url, query.type, failedTicketId) };
  });

  router.get("/jssdk/dev-contexts", async (ctx) => {
    if (!options.standIn) {
      throw NotFoundError("route");
    }
    const userId = actorOf(ctx).userId ?? "";
    const [follows, groups] = await Promise.all([
      Follow.find({ userId, status: "active" }, { externalUserId: 1 }).limit(DEV_CONTEXT_LIMIT).lean(),
      Group.find({ $or: [{ ownerId: userId }, { "members.id": userId }] }, { chatId: 1, name: 1 }).limit(DEV_CONTEXT_LIMIT).lean(),
    ]);
    const customers = await Promise.all(follows.map((follow) => Customer.findOne({ externalUserId: follow.externalUserId }, { externalUserId: 1, name: 1 }).lean()));
    ctx.body = { data: presentDevContexts(customers.flatMap((customer) => (customer ? [customer] : [])), groups) };
  });
  return router;
}
