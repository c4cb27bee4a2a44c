import type Router from "@koa/router";
import type { Context, Next } from "koa";
import { z } from "zod";
import { AppError, AuthorizationError, NotConfiguredError, NotFoundError, ValidationError } from "../../errors.ts";
import { apiResponse } from "../../middlewares/apiResponse.ts";
import { jsonBody } from "../../middlewares/jsonBody.ts";
import { rateLimit } from "../../middlewares/rateLimit.ts";
import { inputOf, validate } from "../../middlewares/validate.ts";
import type { DrawParticipant } from "../../domain/drawParticipant.ts";
import { OfficialAccountJsSdk } from "../../wechat/jsSdk.ts";
import type { WeChatOAuthConfig } from "../../wechat/oauth.ts";
import { createRouter } from "../router.ts";
import { siteOrigin } from "../siteOrigin.ts";
import { cashTransferForWin, readDrawPage, submitWinAddress, takeDraw } from "./core.ts";
import { drawPageHtml } from "./page.ts";
import { exchangeToken, finishOAuth, OAuthRefusal, participantOf, startOAuth } from "./participant.ts";

/** What the public draw routes need. */
export interface DrawRouterOptions {
  now: () => Date;
  /** The official account for WeChat web OAuth; null: customers are recognised by personal links only. */
  wechat: WeChatOAuthConfig | null;
  /** PUBLIC_URL (redirect_uri and the same-origin check); unset: the request's own origin. */
  publicUrl?: string | undefined;
  /** sidebar/dist, where the built `draw` page lives; null serves a 404. */
  frontendDir: string | null;
  /** Requests per client per minute; benches raise them (a hundred "phones" share one address there). */
  rateLimits?: Partial<DrawRateLimits>;
}

/** Per client (ctx.ip) and minute: the page, the state read, draws, and the other writes. */
export interface DrawRateLimits {
  page: number;
  state: number;
  draws: number;
  writes: number;
}

const RATE_LIMITS: DrawRateLimits = { page: 120, state: 600, draws: 120, writes: 30 };

const MINUTE_MS = 60_000;
const slug = z.string().regex(/^[a-z0-9-]{3,40}$/, "不是有效的抽奖活动");
const SlugSchema = z.object({ params: z.object({ slug }) });
const PageSchema = z.object({ params: z.object({ slug }), query: z.object({ t: z.string().max(4096).optional() }) });
const CallbackSchema = z.object({
  params: z.object({ slug }),
  query: z.object({ code: z.string().min(1).max(512).optional(), state: z.string().regex(/^[A-Za-z0-9]{1,128}$/, "不是本站发起的授权") }),
});
const DrawSchema = z.object({ params: z.object({ slug }), body: z.object({ requestId: z.uuid("必须是 UUID") }) });
const winId = z.string().trim().min(1).max(64).regex(/^[A-Za-z0-9:_-]+$/, "不是有效的中奖记录");
const AddressSchema = z.object({
  params: z.object({ slug, winId }),
  body: z.object({
    name: z.string().trim().min(1, "请填写收货人").max(30, "收货人不能超过 30 个字"),
    phone: z.string().trim().regex(/^1[3-9]\d{9}$/, "请填写 11 位手机号"),
    region: z.string().trim().min(1, "请填写所在地区").max(60, "所在地区不能超过 60 个字"),
    detail: z.string().trim().min(1, "请填写详细地址").max(120, "详细地址不能超过 120 个字"),
  }),
});
const WinSchema = z.object({ params: z.object({ slug, winId }) });
const WxConfigSchema = z.object({ params: z.object({ slug }), query: z.object({ url: z.string().min(1, "url: 缺少页面地址").max(2048, "url: 页面地址太长") }) });

/**
 * Writes only from this site: a page on another origin cannot draw or change an address for the
 * person whose cookie the browser holds. (The cookie is SameSite=Lax too, and the JSON body
 * forces a preflight; this is the check that does not depend on the browser.)
 */
function sameOrigin(publicUrl: string | undefined) {
  return async function drawSameOriginMiddleware(ctx: Context, next: Next): Promise<void> {
    const origin = ctx.get("origin");
    const site = ctx.get("sec-fetch-site");
    if ((origin && origin !== (publicUrl ?? `${ctx.protocol}://${ctx.host}`)) || site === "cross-site") {
      throw AuthorizationError("origin: 跨站请求被拒绝");
    }
    await next();
  };
}

function participantOrRefuse(ctx: Context, slugValue: string, now: Date): DrawParticipant {
  const participant = participantOf(ctx, slugValue, now);
  if (!participant) {
    throw new AppError(401, "draw_unknown_participant", "请从导购发给您的链接或在微信中打开抽奖页");
  }
  return participant;
}

/**
 * The lucky draw's public page `/draw/<slug>` and its JSON API under `/draw/<slug>/api/`: outside
 * /api/, no login; the participant is a signed cookie issued after a personal link's token or
 * WeChat web OAuth. Rate limited per client.
 *
 * @param options the clock, the official account, PUBLIC_URL and the built pages.
 * @returns the router.
 */
export function drawRouter(options: DrawRouterOptions): Router {
  const router = createRouter();
  const limits = { ...RATE_LIMITS, ...options.rateLimits };
  const perMinute = (max: number) => rateLimit({ windowMs: MINUTE_MS, max });
  const json = [apiResponse(), jsonBody({ limit: "8kb" })] as const;
  const origin = (ctx: Context) => siteOrigin(ctx, options.publicUrl);
  const jsSdk = options.wechat ? new OfficialAccountJsSdk(options.wechat, () => options.now().getTime()) : null;

  router.get("/draw/:slug", perMinute(limits.page), validate(PageSchema), async (ctx) => {
    const { params, query } = inputOf(ctx, PageSchema);
    const now = options.now();
    if (query.t !== undefined) {
      const good = await exchangeToken(ctx, params.slug, query.t, now);
      // Off the address bar either way: the token must not stay in history or a shared screenshot.
      ctx.redirect(good ? `/draw/${params.slug}` : `/draw/${params.slug}?link=invalid`);
      return;
    }
    const known = participantOf(ctx, params.slug, now);
    // Inside WeChat with an official account: one silent round trip gives the openid cash needs.
    // Another browser would only see WeChat's "open this in WeChat" page, so it is not sent there.
    const inWeChat = /MicroMessenger/i.test(ctx.get("user-agent")) || options.wechat?.anyBrowser === true;
    if (options.wechat && inWeChat && !known?.openid && ctx.query.oauth !== "failed" && ctx.query.link === undefined) {
      ctx.redirect(await startOAuth(ctx, { config: options.wechat, slug: params.slug, origin: origin(ctx), now }));
      return;
    }
    const page = await drawPageHtml(options.frontendDir);
    ctx.status = page.status;
    ctx.type = "text/html; charset=utf-8";
    ctx.set("Cache-Control", "no-store");
    ctx.body = page.html;
  });

  router.get("/draw/:slug/oauth/callback", perMinute(limits.writes * 2), async (ctx) => {
    const parsed = CallbackSchema.safeParse({ params: ctx.params, query: ctx.query });
    const slugValue = slug.safeParse(ctx.params.slug).success ? (ctx.params.slug as string) : null;
    if (!slugValue || !options.wechat) {
      throw NotFoundError("draw");
    }
    try {
      if (!parsed.success) {
        throw new OAuthRefusal("bad_state", "授权无效，请重新打开抽奖页");
      }
      await finishOAuth(ctx, { config: options.wechat, slug: slugValue, code: parsed.data.query.code, state: parsed.data.query.state, now: options.now() });
      ctx.redirect(`/draw/${slugValue}`);
    } catch (error) {
      if (!(error instanceof OAuthRefusal)) {
        throw error;
      }
      ctx.redirect(`/draw/${slugValue}?oauth=failed&reason=${encodeURIComponent(error.message)}`);
    }
  });

  router.get("/draw/:slug/api/state", ...json, perMinute(limits.state), validate(SlugSchema), async (ctx) => {
    const { params } = inputOf(ctx, SlugSchema);
    const now = options.now();
    ctx.set("Cache-Control", "no-store");
    ctx.body = { data: await readDrawPage({ slug: params.slug, participant: participantOf(ctx, params.slug, now), now }) };
  });

  router.post("/draw/:slug/api/draws", ...json, perMinute(limits.draws), sameOrigin(options.publicUrl), validate(DrawSchema), async (ctx) => {
    const { params, body } = inputOf(ctx, DrawSchema);
    const now = options.now();
    const participant = participantOrRefuse(ctx, params.slug, now);
    ctx.body = { data: await takeDraw({ slug: params.slug, participant, requestId: body.requestId, now }) };
  });

  router.post("/draw/:slug/api/wins/:winId/address", ...json, perMinute(limits.writes), sameOrigin(options.publicUrl), validate(AddressSchema), async (ctx) => {
    const { params, body } = inputOf(ctx, AddressSchema);
    const now = options.now();
    const participant = participantOrRefuse(ctx, params.slug, now);
    await submitWinAddress({ winId: params.winId, participant, address: body, now });
    // The page shows the address as the server keeps it (phone masked), from its one read.
    ctx.body = { data: await readDrawPage({ slug: params.slug, participant, now }) };
  });

  // The cash confirmation's data (package_info, mch id, app id) for requestMerchantTransfer;
  // only for the participant's own win.
  router.get("/draw/:slug/api/wins/:winId/cash", ...json, perMinute(limits.state), validate(WinSchema), async (ctx) => {
    const { params } = inputOf(ctx, WinSchema);
    const now = options.now();
    const participant = participantOrRefuse(ctx, params.slug, now);
    const page = await readDrawPage({ slug: params.slug, participant, now });
    const win = page.wins.find((entry) => entry.winId === params.winId);
    if (!win || win.prize.kind !== "cash") {
      throw new AppError(404, "not_found", "winId: 没有这条现金奖品记录");
    }
    ctx.set("Cache-Control", "no-store");
    ctx.body = { data: await cashTransferForWin(params.winId, now) };
  });

  // wx.config's signature for this draw's page (§8.3): inside WeChat, requestMerchantTransfer is
  // offered only to a page configured with the official account's JS-SDK (§9.2). Only this draw's
  // own page is signed, so the route is no signing service for other pages of the domain.
  router.get("/draw/:slug/api/wx-config", ...json, perMinute(limits.state), validate(WxConfigSchema), async (ctx) => {
    const { params, query } = inputOf(ctx, WxConfigSchema);
    if (!jsSdk) {
      throw NotConfiguredError("未配置公众号，无法在微信中确认收款");
    }
    const page = URL.canParse(query.url) ? new URL(query.url) : null;
    if (!page || page.origin !== origin(ctx) || page.pathname !== `/draw/${params.slug}`) {
      throw ValidationError("url: 不是本抽奖页的地址");
    }
    ctx.set("Cache-Control", "no-store");
    ctx.body = { data: { ...(await jsSdk.sign(page.href)), jsApiList: ["requestMerchantTransfer"] } };
  });

  return router;
}
