// The sandbox's own HTTP routes (docs/sandbox.md): `/sandbox/api/*`, JSON for the sandbox page
// (what a person does: scan, join a group, chat, buy; the demo), and `/sandbox/oauth/*`, the
// stand-in for WeCom's login pages (OAuth inside the client and web login by QR), which names
// the guide chosen on the sandbox page and sends the browser back with a one-use code.
import type Router from "@koa/router";
import { createRouter } from "../routes/router.ts";
import type { Context } from "koa";
import { z } from "zod";
import { LIMIT_MESSAGES, LIMITS } from "../domain/program.ts";
import { ConflictError, NotFoundError, ValidationError } from "../errors.ts";
import { apiResponse } from "../middlewares/apiResponse.ts";
import { jsonBody } from "../middlewares/jsonBody.ts";
import { inputOf, validate } from "../middlewares/validate.ts";
import { firstAdminOpen } from "../commands/adminProvisioner.ts";
import { buy } from "./actions/buy.ts";
import { sandboxBotRoutes } from "./bot/botRoutes.ts";
import { chat, transcript } from "./actions/chat.ts";
import type { SandboxContext } from "./actions/context.ts";
import { joinGroup } from "./actions/joinGroup.ts";
import { posters } from "./actions/posters.ts";
import { drawPosters } from "./actions/drawPosters.ts";
import { sandboxAppTextRoutes } from "./actions/appText.ts";
import { sandboxGuideTaskRoutes } from "./actions/guideTasks.ts";
import { sandboxResignRoutes } from "./actions/resignGuide.ts";
import { scanGroupQr } from "./actions/scanGroupQr.ts";
import { mediaImage } from "./actions/viewMedia.ts";
import { scan } from "./actions/scan.ts";
import { seedCorp } from "./actions/seed.ts";
import { drawAvatar } from "./avatars.ts";
import { SANDBOX_CORP_ID, SANDBOX_CORP_NAME, SANDBOX_GUIDE_COOKIE } from "./config.ts";
import { DemoRunner } from "./demo/runner.ts";
import { newOAuthCode, SandboxDepartment, SandboxOAuthCode, SandboxUser, SANDBOX_OAUTH_CODE_TTL_MS } from "./models/index.ts";
import { sandboxState } from "./pageState.ts";
import { sandboxWeChatRouter } from "./wechatOAuth.ts";
import { sandboxWeChatPayRouter } from "./wechatpay/routes.ts";

const GUIDE_COOKIE_MAX_AGE_MS = 30 * 86_400_000;

export interface SandboxRouterOptions {
  /** The product's origin or callback URL; a function when the port is known only once listening. */
  callbackUrl: string | (() => string);
  now?: () => Date;
  /** Where the page links to (defaults: /console/ and /sidebar/). */
  consoleUrl?: string;
  sidebarUrl?: string;
  /** The WeCom API stand-in's origin (its QR images); a function when known only once listening. */
  wecomApiBase?: string | (() => string);
  /** Sizes of the demo the page's button starts (defaults: runDemo's). */
  demo?: { customers?: number; orders?: number };
}

const id = (label: string) => z.string().trim().min(1, "is required").max(64, `is not a ${label}`);
const ScanSchema = z.object({ body: z.object({ configId: id("contact way id"), name: z.string().trim().min(1, "is required").max(30, "is too long").optional() }) });
const JoinGroupSchema = z.object({ body: z.object({ externalUserId: id("customer id"), chatId: id("chat id"), via: z.enum(["qr", "invite"]).default("qr") }) });
const ScanGroupQrSchema = z.object({ body: z.object({ externalUserId: id("customer id"), qr: z.string().trim().min(1, "is required").max(2048, "is too long") }) });
const ChatSendSchema = z.object({
  body: z.object({
    externalUserId: id("customer id"),
    userId: id("userid"),
    from: z.enum(["customer", "guide"]),
    text: z.string().trim().min(1, "is required").max(4000, "is too long"),
    kind: z.enum(["chat", "sent_by_sidebar"]).default("chat"),
  }),
});
const ChatReadSchema = z.object({ query: z.object({ externalUserId: id("customer id"), userId: id("userid") }) });
const BuySchema = z.object({
  body: z.object({
    externalUserId: id("customer id"),
    amountFen: z.number().int("must be an integer number of fen").min(1, "must be at least 1 fen").max(LIMITS.orderFen, LIMIT_MESSAGES.orderFen),
    storeId: z.string().regex(/^\d{1,10}$/, "must be a store (department) id").optional(),
    guideUserId: id("userid").optional(),
  }),
});
const DemoSchema = z.object({
  body: z
    .object({
      customers: z.number().int().min(1).max(20_000).optional(),
      orders: z.number().int().min(0).max(60_000).optional(),
    })
    .default({}),
});
const GuideSchema = z.object({ body: z.object({ userid: id("userid") }) });

// WeCom's OAuth and web-login URLs (wecom-reference §5.2; server/routes/auth.ts builds them).
const redirectUri = z.string().min(1, "is required").max(2048, "is too long").pipe(z.url("must be an absolute URL"));
const oauthState = z.string().regex(/^[A-Za-z0-9]{0,128}$/, "must be at most 128 letters or digits").default("");
const corpId = z.string().refine((value) => value === SANDBOX_CORP_ID, `must be the sandbox corp id ${SANDBOX_CORP_ID}`);
const AuthorizeSchema = z.object({
  query: z.object({
    appid: corpId,
    redirect_uri: redirectUri,
    response_type: z.literal("code", "must be code").default("code"),
    scope: z.enum(["snsapi_base", "snsapi_privateinfo"]).default("snsapi_base"),
    state: oauthState,
    agentid: z.string().optional(),
  }),
});
const QrLoginSchema = z.object({
  query: z.object({
    login_type: z.enum(["CorpApp", "ServiceApp"]).default("CorpApp"),
    appid: corpId,
    agentid: z.string().optional(),
    redirect_uri: redirectUri,
    state: oauthState,
  }),
});
const ChooseSchema = z.object({
  query: z.object({
    userid: id("userid"),
    next: z.string().regex(/^\/sandbox\/oauth\/(authorize|qr)\?[^\\]*$/, "must be a sandbox login URL"),
  }),
});

/**
 * The sandbox's routes: `/sandbox/api/*` for the sandbox page and `/sandbox/oauth/*` for logins.
 *
 * @param options the product's callback URL, the clock, links and demo sizes.
 * @returns the router (mount only in sandbox mode).
 */
export function sandboxRouter(options: SandboxRouterOptions): Router {
  const now = options.now ?? (() => new Date());
  const resolve = (value: string | (() => string) | undefined) => (typeof value === "function" ? value() : value);
  const context = (): SandboxContext => ({ callbackUrl: resolve(options.callbackUrl) ?? "", now, wecomApiBase: resolve(options.wecomApiBase) });
  const demo = new DemoRunner();
  const router = createRouter({ prefix: "/sandbox" });

  const api = createRouter();
  api.use(apiResponse(), jsonBody({ limit: "64kb" }));

  api.get("/state", async (ctx) => {
    ctx.body = { data: await sandboxState({ consoleUrl: options.consoleUrl ?? "/console/", sidebarUrl: options.sidebarUrl ?? "/sidebar/", wecomApiBase: resolve(options.wecomApiBase) }) };
  });

  api.post("/seed", async (ctx) => {
    ctx.body = { data: await seedCorp(context()) };
  });

  api.post("/scan", validate(ScanSchema), async (ctx) => {
    const { body } = inputOf(ctx, ScanSchema);
    ctx.status = 201;
    ctx.body = { data: await scan(context(), { configId: body.configId, ...(body.name ? { name: body.name } : {}) }) };
  });

  api.post("/join-group", validate(JoinGroupSchema), async (ctx) => {
    const { body } = inputOf(ctx, JoinGroupSchema);
    ctx.body = { data: await joinGroup(context(), body) };
  });

  // 长按识别 a group QR (a funnel's landing page shows one) and join: docs/sandbox.md.
  api.post("/scan-group-qr", validate(ScanGroupQrSchema), async (ctx) => {
    const { body } = inputOf(ctx, ScanGroupQrSchema);
    ctx.body = { data: await scanGroupQr(context(), body) };
  });

  api.get("/posters", async (ctx) => {
    ctx.body = { data: await posters() };
  });

  api.get("/draws", async (ctx) => {
    ctx.body = { data: await drawPosters() };
  });

  api.post("/chat", validate(ChatSendSchema), async (ctx) => {
    const { body } = inputOf(ctx, ChatSendSchema);
    ctx.status = 201;
    ctx.body = { data: await chat(context(), body) };
  });

  api.get("/chat", validate(ChatReadSchema), async (ctx) => {
    const { query } = inputOf(ctx, ChatReadSchema);
    ctx.body = { data: await transcript(query.externalUserId, query.userId) };
  });

  api.post("/buy", validate(BuySchema), async (ctx) => {
    const { body } = inputOf(ctx, BuySchema);
    const outcome = await buy(context(), body);
    ctx.status = outcome.result === "rejected" ? 422 : outcome.result === "created" ? 201 : 200;
    ctx.body = { data: outcome };
  });

  api.post("/demo", validate(DemoSchema), async (ctx) => {
    const { body } = inputOf(ctx, DemoSchema);
    const started = demo.start({ ...context(), customers: body.customers ?? options.demo?.customers, orders: body.orders ?? options.demo?.orders });
    if (!started) {
      throw ConflictError("demo: 演示数据正在生成中");
    }
    ctx.status = 202;
    ctx.body = { data: { running: true } };
  });

  api.get("/demo", (ctx) => {
    ctx.body = { data: demo.status() };
  });

  // Say something in a group as a customer; the sandbox bot answers (docs/bot.md).
  sandboxBotRoutes(api);
  // A guide's pending moments and mass messages (代发表 / 代发送) and the app messages they got.
  sandboxGuideTaskRoutes(api, now);
  // An employee texting the app (任务) and the app's passive reply.
  sandboxAppTextRoutes(api, context);
  sandboxResignRoutes(api, context);

  api.post("/guide", validate(GuideSchema), async (ctx) => {
    const { body } = inputOf(ctx, GuideSchema);
    const user = await activeUser(body.userid);
    if (!user) {
      throw NotFoundError(`userid: member ${body.userid}`);
    }
    setGuideCookie(ctx, user.userid);
    ctx.body = { data: { userid: user.userid, name: user.name } };
  });

  const oauth = createRouter();
  oauth.get("/authorize", validate(AuthorizeSchema), async (ctx) => {
    const { query } = inputOf(ctx, AuthorizeSchema);
    await login(ctx, query.redirect_uri, query.state, "企业微信授权登录", now);
  });
  oauth.get("/qr", validate(QrLoginSchema), async (ctx) => {
    const { query } = inputOf(ctx, QrLoginSchema);
    await login(ctx, query.redirect_uri, query.state, "企业微信扫码登录", now, { console: true });
  });
  oauth.get("/choose", validate(ChooseSchema), async (ctx) => {
    const { query } = inputOf(ctx, ChooseSchema);
    const user = await activeUser(query.userid);
    if (!user) {
      throw NotFoundError(`userid: member ${query.userid}`);
    }
    setGuideCookie(ctx, user.userid);
    ctx.redirect(query.next);
  });

  // Avatars of the sandbox's people, drawn here so nothing leaves the machine.
  router.get("/avatar/:file", (ctx) => {
    // The router has already decoded the param: decoding it again threw on "%25" (a 500). Only
    // the ids our own avatar URLs carry are avatars; anything else is simply not found.
    const svg = drawAvatar(ctx.params.file ?? "");
    if (!svg) {
      throw NotFoundError("avatar");
    }
    ctx.type = "image/svg+xml";
    ctx.set("Cache-Control", "public, max-age=86400");
    ctx.body = svg;
  });
  // Images of the welcome messages the phone shows (docs/sandbox.md).
  router.get("/media/:mediaId", async (ctx) => {
    const image = await mediaImage(ctx.params.mediaId ?? "");
    if (!image) {
      throw NotFoundError("media");
    }
    ctx.type = image.contentType;
    ctx.set("Cache-Control", "private, max-age=3600");
    ctx.body = image.data;
  });
  router.use("/api", api.routes(), api.allowedMethods());
  router.use("/oauth", oauth.routes(), oauth.allowedMethods());
  router.use(sandboxWeChatRouter({ now }).routes());
  // WeChat Pay's stand-in (docs/wechatpay.md): the product's client points here when no WECHATPAY_* is set.
  router.use(sandboxWeChatPayRouter({ now }).routes());
  return router;
}

async function activeUser(userid: string) {
  const user = await SandboxUser.findById(userid, { userid: 1, name: 1, status: 1 }).lean();
  return user && user.status === 1 ? user : null;
}

function setGuideCookie(ctx: Context, userid: string): void {
  ctx.cookies.set(SANDBOX_GUIDE_COOKIE, userid, { httpOnly: true, sameSite: "lax", maxAge: GUIDE_COOKIE_MAX_AGE_MS, overwrite: true, signed: false });
}

/**
 * The login stand-in: the guide the sandbox page plays (its cookie) gets a one-use code (5
 * minutes) and the browser goes back to redirect_uri with it and the state; without a guide, a
 * page to pick one. Like WeCom, only a redirect to a trusted domain — this server — is allowed.
 */
async function login(ctx: Context, redirect: string, state: string, title: string, now: () => Date, where: { console?: boolean } = {}): Promise<void> {
  const own = `${ctx.protocol}://${ctx.host}`;
  const target = new URL(redirect);
  if (target.origin !== own) {
    throw ValidationError(`redirect_uri: 只能跳回本站（${own}）`);
  }
  const chosen = ctx.cookies.get(SANDBOX_GUIDE_COOKIE);
  const user = chosen ? await activeUser(chosen) : null;
  if (!user) {
    ctx.type = "text/html; charset=utf-8";
    ctx.set("cache-control", "no-store");
    ctx.body = await chooserPage(title, ctx.url, where.console === true && (await firstAdminOpen()));
    return;
  }
  const code = newOAuthCode();
  await SandboxOAuthCode.create({ code, userid: user.userid, expires_at: new Date(now().getTime() + SANDBOX_OAUTH_CODE_TTL_MS), used: false });
  target.searchParams.set("code", code);
  target.searchParams.set("state", state);
  ctx.redirect(target.toString());
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

/**
 * @param firstAdmin the console's QR login while nobody is admin yet: the product makes whoever
 * logs in first the admin (server/routes/auth.ts), so the page says so before anyone picks.
 */
async function chooserPage(title: string, currentUrl: string, firstAdmin = false): Promise<string> {
  const [departments, users] = await Promise.all([SandboxDepartment.find().sort({ order: -1, _id: 1 }).lean(), SandboxUser.find({ status: 1 }).sort({ _id: 1 }).lean()]);
  const sections = departments
    .map((department) => {
      const members = users.filter((user) => user.main_department === department.id);
      if (members.length === 0) {
        return "";
      }
      const links = members
        .map((user) => {
          const href = `/sandbox/oauth/choose?${new URLSearchParams({ userid: user.userid, next: currentUrl }).toString()}`;
          return `<li><a href="${escapeHtml(href)}">${escapeHtml(user.name)}<small>${escapeHtml(user.position)} · ${escapeHtml(user.userid)}</small></a></li>`;
        })
        .join("");
      return `<h2>${escapeHtml(department.name)}</h2><ul>${links}</ul>`;
    })
    .join("");
  const empty = users.length === 0 ? "<p>沙盒企业还没有成员：请先在沙盒页面初始化企业。</p>" : "";
  const adminNote = firstAdmin ? '<p class="first-admin">还没有管理员：第一位在此登录管理后台的成员将成为管理员，之后可在「组织与权限」中为其他成员分配角色。</p>' : "";
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)} · 沙盒</title>
<style>
body{font-family:-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;margin:0;background:#f5f6f7;color:#1f2329}
main{max-width:420px;margin:0 auto;padding:24px 16px}
h1{font-size:18px;margin:0 0 4px}p{color:#646a73;font-size:13px}
.first-admin{color:#1f2329;background:#fff7e8;border-radius:8px;padding:8px 12px}
h2{font-size:14px;color:#646a73;margin:20px 0 8px}
ul{list-style:none;margin:0;padding:0;background:#fff;border-radius:8px}
li+li{border-top:1px solid #eef0f1}
a{display:flex;justify-content:space-between;padding:12px 16px;color:#1f2329;text-decoration:none}
a:hover{background:#f0f5ff}small{color:#8f959e}
</style></head>
<body><main><h1>${escapeHtml(title)}</h1><p>沙盒模式：选择以哪位成员身份登录（${escapeHtml(SANDBOX_CORP_NAME)}）。</p>${adminNote}${empty}${sections}</main></body></html>`;
}
