import crypto from "node:crypto";
import type Router from "@koa/router";
import { createRouter } from "./router.ts";
import type { Logger } from "pino";
import { z } from "zod";
import { isDuplicateKeyError } from "../db/duplicates.ts";
import { AppError, AuthenticationError, ConflictError, NotFoundError, WeComApiError } from "../errors.ts";
import { apiResponse } from "../middlewares/apiResponse.ts";
import { jsonBody } from "../middlewares/jsonBody.ts";
import { actorOf, sameSecret } from "../middlewares/authenticate.ts";
import { rateLimit } from "../middlewares/rateLimit.ts";
import { presentAuthOptions, presentMe } from "../presenters/session.ts";
import { firstAdminOpen, provisionDevEmployee, provisionFirstAdmin } from "../commands/adminProvisioner.ts";
import { inputOf, validate } from "../middlewares/validate.ts";
import { Employee } from "../models/Employee.ts";
import { LoginState } from "../models/LoginState.ts";
import { endSession, startSession } from "../security/sessions.ts";
import type { WeComClient } from "../wecom/client.ts";

/** What the login routes need to know about the deployment. */
export interface AuthOptions {
  corpId: string | undefined;
  agentId: string | undefined;
  /** SCRM_API_TOKEN: acts as admin for scripts, and bootstraps the first admin. */
  apiToken: string | undefined;
  /** Development mode: `POST /api/auth/dev-login` logs in as any employee. Never in production. */
  devLogin: boolean;
  /** Not production: outside WeCom the sidebar may use its local JS-SDK stand-in. */
  standIn: boolean;
  /** The first web (console) login while no admin exists becomes admin: the sandbox has no token to bootstrap with. */
  firstLoginAdmin?: boolean;
  /** Where the browser is sent to prove who it is; the sandbox points these at itself. */
  loginUrls: { oauth: string; qr: string };
  /** PUBLIC_URL: the site's own origin, from configuration rather than from request headers. */
  publicUrl?: string | undefined;
  wecom: WeComClient;
  now: () => Date;
}

export const WECOM_LOGIN_URLS = {
  oauth: "https://open.weixin.qq.com/connect/oauth2/authorize",
  qr: "https://login.work.weixin.qq.com/wwlogin/sso/login",
};

const STATE_TTL_MS = 10 * 60 * 1000;
// WeCom's codes live 5 minutes; remembering a used one a little longer refuses any replay.
const USED_CODE_TTL_MS = 10 * 60 * 1000;
// Binds a login's state to the browser that started it, so a callback link opened elsewhere
// (login CSRF: someone else's code and state) logs nobody in.
const LOGIN_COOKIE = "scrm_login";
const MINUTE_MS = 60 * 1000;

const returnTo = z
  .string()
  .max(512)
  .regex(/^\/(sidebar|console)\/[^\\]*$/, "must be a path under /sidebar/ or /console/")
  .refine((value) => !value.startsWith("//"), "must be a path on this site");
const StartSchema = z.object({ query: z.object({ mode: z.enum(["oauth", "qr"]).default("oauth"), returnTo: returnTo.default("/sidebar/") }) });
const CallbackSchema = z.object({ query: z.object({ code: z.string().min(1).max(512).optional(), state: z.string().regex(/^[A-Za-z0-9]{1,128}$/, "is not a state this server issued") }) });
const userId = z.string().trim().min(1).max(64);
const BootstrapSchema = z.object({ body: z.object({ token: z.string().min(1), userId }) });
const DevLoginSchema = z.object({ body: z.object({ userId }) });

/**
 * Login and session routes under /api/auth: WeCom OAuth inside the client, WeCom web login
 * (scan), the first admin's bootstrap, a development login, and who am I.
 *
 * @param options deployment facts, the WeCom client and the clock.
 * @returns the router.
 */
export function authRouter(options: AuthOptions): Router {
  const router = createRouter({ prefix: "/api/auth" });
  router.use(apiResponse(), jsonBody({ limit: "16kb" }));
  const wecomConfigured = Boolean(options.corpId && options.agentId);

  router.get("/options", async (ctx) => {
    const bootstrap = Boolean(options.apiToken) && (await firstAdminOpen());
    ctx.body = { data: presentAuthOptions({ corpId: options.corpId, agentId: options.agentId, devLogin: options.devLogin, standIn: options.standIn, bootstrap }) };
  });

  // The app's authentication gate has already put the actor on this path.
  router.get("/me", async (ctx) => {
    const actor = actorOf(ctx);
    const employee = actor.userId ? await Employee.findOne({ userId: actor.userId }, { name: 1 }).lean() : null;
    ctx.body = { data: presentMe(actor, { name: employee?.name, devLogin: options.devLogin }) };
  });

  // Each start stores a state: bound it per client so nobody fills the database with them.
  router.get("/wecom/start", rateLimit({ windowMs: MINUTE_MS, max: 60 }), validate(StartSchema), async (ctx) => {
    const { query } = inputOf(ctx, StartSchema);
    if (!wecomConfigured) {
      throw new AppError(503, "not_configured", "企业微信未配置（WECOM_CORP_ID、WECOM_AGENT_ID），无法登录");
    }
    const state = crypto.randomBytes(24).toString("hex");
    const expiresAt = new Date(options.now().getTime() + STATE_TTL_MS);
    await LoginState.create({ _id: state, mode: query.mode, returnTo: query.returnTo, expiresAt });
    // Lax: WeCom sends the browser back with a top-level GET, which carries Lax cookies.
    ctx.cookies.set(LOGIN_COOKIE, state, { signed: true, httpOnly: true, sameSite: "lax", secure: ctx.secure, expires: expiresAt, overwrite: true });
    // From PUBLIC_URL when set; otherwise Koa's host, which trusts X-Forwarded-Host only with TRUST_PROXY.
    const redirectUri = `${options.publicUrl ?? `${ctx.protocol}://${ctx.host}`}/api/auth/wecom/callback`;
    ctx.redirect(query.mode === "oauth" ? oauthUrl(options, redirectUri, state) : qrLoginUrl(options, redirectUri, state));
  });

  router.get("/wecom/callback", rateLimit({ windowMs: MINUTE_MS, max: 60 }), async (ctx) => {
    const parsed = CallbackSchema.safeParse({ query: ctx.query });
    const startedHere = parsed.success && ctx.cookies.get(LOGIN_COOKIE, { signed: true }) === parsed.data.query.state;
    ctx.cookies.set(LOGIN_COOKIE, null, { signed: true, httpOnly: true, sameSite: "lax", overwrite: true });
    const state = parsed.success && startedHere ? await consumeState(parsed.data.query.state, options.now()) : null;
    const back = state?.returnTo ?? (typeof ctx.query.state === "string" ? "/sidebar/" : "/console/");
    try {
      if (parsed.success && !startedHere) {
        throw AuthenticationError("state: 登录不是从这个浏览器发起的，请在此浏览器重新登录");
      }
      if (!parsed.success || !state) {
        throw AuthenticationError("state: 登录请求无效或已过期，请重新登录");
      }
      if (!parsed.data.query.code) {
        throw AuthenticationError("code: 您取消了企业微信授权");
      }
      const who = await exchangeCode(options, parsed.data.query.code, options.now());
      if (options.firstLoginAdmin && state.mode === "qr") {
        await provisionFirstAdmin({ userId: who });
      }
      await startSession(ctx, who, state.mode, options.now());
      ctx.redirect(state.returnTo);
    } catch (error) {
      if (!(error instanceof AppError) || error.status >= 500) {
        (ctx.state.log as Logger | undefined)?.error({ err: error }, "WeCom login failed");
      }
      const message = error instanceof AppError && error.status < 500 ? error.message : "企业微信登录失败，请稍后重试";
      ctx.redirect(back.startsWith("/console/") ? `/console/login?error=${encodeURIComponent(message)}` : `/sidebar/?loginError=${encodeURIComponent(message)}`);
    }
  });

  // Guessing SCRM_API_TOKEN: a few wrong tokens per client, then wait.
  router.post("/bootstrap", rateLimit({ windowMs: 15 * MINUTE_MS, max: 10, countStatuses: [400, 401] }), validate(BootstrapSchema), async (ctx) => {
    const { body } = inputOf(ctx, BootstrapSchema);
    if (!options.apiToken || !sameSecret(body.token, options.apiToken)) {
      throw AuthenticationError("token: 与 SCRM_API_TOKEN 不一致");
    }
    if (!(await provisionFirstAdmin({ userId: body.userId }))) {
      throw ConflictError("bootstrap: 已有管理员，请用企业微信登录");
    }
    await startSession(ctx, body.userId, "bootstrap", options.now());
    ctx.body = { data: { userId: body.userId, role: "admin" } };
  });

  router.post("/dev-login", rateLimit({ windowMs: MINUTE_MS, max: 60 }), validate(DevLoginSchema), async (ctx) => {
    // Off unless main.ts found no WeCom credential and no production: then this route does not exist.
    if (!options.devLogin) {
      throw NotFoundError("route");
    }
    const { body } = inputOf(ctx, DevLoginSchema);
    const role = await provisionDevEmployee(body.userId);
    if (!role) {
      throw new AppError(404, "not_found", "userId: 该成员已离职或被删除");
    }
    await startSession(ctx, body.userId, "dev", options.now());
    ctx.body = { data: { userId: body.userId, role } };
  });

  router.post("/logout", async (ctx) => {
    await endSession(ctx);
    ctx.body = { data: {} };
  });
  return router;
}

function oauthUrl(options: AuthOptions, redirectUri: string, state: string): string {
  const query = new URLSearchParams({ appid: options.corpId ?? "", redirect_uri: redirectUri, response_type: "code", scope: "snsapi_base", state, agentid: options.agentId ?? "" });
  return `${options.loginUrls.oauth}?${query.toString()}#wechat_redirect`;
}

function qrLoginUrl(options: AuthOptions, redirectUri: string, state: string): string {
  const query = new URLSearchParams({ login_type: "CorpApp", appid: options.corpId ?? "", agentid: options.agentId ?? "", redirect_uri: redirectUri, state });
  return `${options.loginUrls.qr}?${query.toString()}`;
}

/** Use up a state this server issued: at most one callback ever gets it. */
async function consumeState(state: string, now: Date) {
  const found = await LoginState.findOneAndDelete({ _id: state }).lean();
  return found && found.expiresAt > now && !state.startsWith("code") ? found : null;
}

/**
 * Turn WeCom's one-use code into the employee it names; a code seen before is refused here too.
 *
 * @returns the employee's userid.
 */
async function exchangeCode(options: AuthOptions, code: string, now: Date): Promise<string> {
  const codeKey = `code${crypto.createHash("sha256").update(code).digest("hex")}`;
  try {
    await LoginState.create({ _id: codeKey, mode: "oauth", returnTo: "/", expiresAt: new Date(now.getTime() + USED_CODE_TTL_MS) });
  } catch (error) {
    if (isDuplicateKeyError(error)) {
      throw AuthenticationError("code: 授权码已使用，请重新登录");
    }
    throw error;
  }
  let answer: { userid?: string; UserId?: string; openid?: string };
  try {
    answer = await options.wecom.get("/cgi-bin/auth/getuserinfo", { code }, { secret: "agent" });
  } catch (error) {
    // 40029: invalid code (expired, used, or from another app).
    if (error instanceof WeComApiError && error.errcode === 40029) {
      throw AuthenticationError("code: 企业微信授权码无效或已过期，请重新登录");
    }
    throw error;
  }
  const userId = answer.userid ?? answer.UserId;
  if (!userId) {
    throw AuthenticationError("您不是本企业的成员，无法登录");
  }
  // A first login may come before the directory sync; the employee starts as a guide.
  await Employee.updateOne({ userId }, { $setOnInsert: { name: userId } }, { upsert: true });
  const employee = await Employee.findOne({ userId }, { deleted: 1, wecomStatus: 1 }).lean();
  if (employee?.deleted || employee?.wecomStatus === 5) {
    throw AuthenticationError("该成员已离职或被删除，无法登录");
  }
  return userId;
}
