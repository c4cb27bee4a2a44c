import type Router from "@koa/router";
import { z } from "zod";
import { AppError } from "../../errors.ts";
import { actorOf } from "../../middlewares/authenticate.ts";
import { inputOf, validate } from "../../middlewares/validate.ts";
import { LuckyDraw } from "../../models/LuckyDraw.ts";
import { DRAW_TOKEN_TTL_MS, personalDrawLink } from "../../security/drawTokens.ts";
import { assertCustomer } from "../../security/authorization.ts";
import { presentSidebarDraw, type SidebarDrawLink } from "../../presenters/sidebarDraw.ts";
import { createRouter } from "../router.ts";
import { siteOrigin } from "../siteOrigin.ts";

const externalUserId = z.string().trim().min(1).max(128);
const DrawLinkSchema = z.object({
  body: z.object({ drawId: z.string().regex(/^[0-9a-f]{24}$/, "请选择抽奖活动"), externalUserId }),
});
const DRAWS_SHOWN = 20;

/**
 * The sidebar's "发抽奖链接": the draws running now, and a personal link (a signed 7-day token
 * for the chat's customer) with a ready message the sidebar sends through the JS-SDK.
 *
 * @param options the clock.
 * @returns the router (mounted under /api/sidebar).
 */
export function sidebarDrawLinksRouter(options: { now: () => Date }): Router {
  const router = createRouter();

  router.get("/draws", async (ctx) => {
    const now = options.now();
    // Operator objects, few of them; the index on updatedAt keeps the newest first.
    const draws = await LuckyDraw.find({ status: "active", endsAt: { $gt: now } }, { name: 1, startsAt: 1, endsAt: 1 }).sort({ updatedAt: -1 }).limit(DRAWS_SHOWN).lean();
    ctx.body = { data: draws.map(presentSidebarDraw) };
  });

  router.post("/draw-links", validate(DrawLinkSchema), async (ctx) => {
    const { body } = inputOf(ctx, DrawLinkSchema);
    await assertCustomer(actorOf(ctx), body.externalUserId);
    const now = options.now();
    const draw = await LuckyDraw.findById(body.drawId, { slug: 1, name: 1, status: 1, endsAt: 1 }).lean();
    if (!draw) {
      throw new AppError(404, "not_found", "drawId: 抽奖活动不存在");
    }
    if (draw.status !== "active" || draw.endsAt <= now) {
      throw new AppError(422, "draw_not_running", "drawId: 该抽奖活动未在进行中，不能发送链接");
    }
    const url = personalDrawLink({ slug: draw.slug, externalUserId: body.externalUserId, now, origin: siteOrigin(ctx) });
    const desc = "点击参与抽奖，链接 7 天内有效，仅限本人使用";
    const link: SidebarDrawLink = { url, expiresAt: new Date(now.getTime() + DRAW_TOKEN_TTL_MS).toISOString(), title: `邀您参加「${draw.name}」`, desc, text: `邀您参加「${draw.name}」抽奖：${url}（${desc}）` };
    ctx.status = 201;
    ctx.body = { data: link };
  });

  return router;
}
