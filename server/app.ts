import type Router from "@koa/router";
import Koa from "koa";
import { EventRecorder } from "./commands/eventRecorder.ts";
import { errorHandler } from "./middlewares/errorHandler.ts";
import { authenticationGate } from "./middlewares/authenticate.ts";
import { requestLogger } from "./middlewares/requestLogger.ts";
import { securityHeaders } from "./middlewares/securityHeaders.ts";
import { authRouter, WECOM_LOGIN_URLS } from "./routes/auth.ts";
import { consoleRouter } from "./routes/console/index.ts";
import { frontend } from "./routes/frontend.ts";
import type { ChangeStreamOptions } from "./routes/sidebar/changes.ts";
import { sidebarRouter } from "./routes/sidebar/index.ts";
import { healthRouter } from "./routes/health.ts";
import { landingRouter } from "./routes/landing/index.ts";
import { drawRouter, type DrawRateLimits } from "./routes/draw/index.ts";
import type { WeChatOAuthConfig } from "./wechat/oauth.ts";
import { callbackRouter } from "./routes/wecom/callback.ts";
import { wechatPayNotifyRouter } from "./routes/wechatpay/notify.ts";
import type { CallbackSecrets } from "./wecom/callbackCrypto.ts";
import type { WeComClient } from "./wecom/client.ts";
import { JsApiTickets } from "./wecom/jsapiTickets.ts";
import { configureDrawTokens } from "./security/drawTokens.ts";

export interface AppOptions {
  /** Callback token, AES key and corp id; null when WeCom is not configured. */
  callbackSecrets: CallbackSecrets | null;
  /** SCRM_API_TOKEN. */
  apiToken: string | undefined;
  /** The one WeCom client. */
  wecom: WeComClient;
  /** Keys that sign the session cookie (SESSION_SECRET); the first signs, all verify. */
  sessionKeys: string[];
  /** The corp and the self-built app the sidebar and logins use. */
  corpId?: string | undefined;
  agentId?: string | undefined;
  /** Development mode: accept POST /api/auth/dev-login. Never in production. */
  devLogin?: boolean;
  /** Not production: outside WeCom the sidebar may use its local JS-SDK stand-in. */
  standIn?: boolean;
  /** Where logins are sent (WeCom's by default; the sandbox points them at itself). */
  loginUrls?: { oauth: string; qr: string } | undefined;
  /** Sandbox: the first console (web) login while no admin exists makes that employee admin. */
  firstLoginAdmin?: boolean;
  /** The built sidebar and console (sidebar/dist); null to serve no pages. */
  frontendDir?: string | null;
  /** Sandbox mode only: the sandbox's own routes (/sandbox/...), and its page is served. */
  sandboxRouter?: Router | null;
  /** Sandbox mode only: the WeCom stand-in's origin, which serves the QR images (pages may show them). */
  imageOrigins?: string[];
  /** TRUST_PROXY: believe X-Forwarded-For/-Host/-Proto (only behind a proxy that sets them). */
  trustProxy?: boolean;
  /** PUBLIC_URL: the site's origin; login redirects and the cross-site check use it, not request headers. */
  publicUrl?: string | undefined;
  /** The sidebar's change stream: how often it re-reads the open chat (tests shorten it). */
  changes?: ChangeStreamOptions;
  /** The official account for WeChat web OAuth on the draw page (the sandbox's stand-in in sandbox mode); null: off. */
  wechatOAuth?: WeChatOAuthConfig | null;
  /** The draw page's per-client rate limits (benches raise them); unset: the defaults in routes/draw. */
  drawRateLimits?: Partial<DrawRateLimits>;
  /** Told when a callback stored a new event. */
  onEventStored?: () => void;
  now?: () => Date;
}

/**
 * Build the Koa application (no listening, no database connection: main.ts and the tests do that).
 *
 * @param options secrets, token and hooks.
 * @returns the app.
 */
export function createApp(options: AppOptions): Koa {
  const app = new Koa();
  // A client could otherwise name any host in X-Forwarded-Host and have redirects built from it.
  app.proxy = options.trustProxy ?? false;
  app.keys = options.sessionKeys;
  const now = options.now ?? (() => new Date());
  const standIn = options.standIn ?? false;
  const publicUrl = options.publicUrl?.replace(/\/+$/, "");
  // Draw links and participant cookies are signed with keys derived from the session secret.
  configureDrawTokens({ sessionKeys: options.sessionKeys, publicUrl });
  const common = { apiToken: options.apiToken, wecom: options.wecom, now };
  const routers = [
    healthRouter(),
    landingRouter({ now }),
    wechatPayNotifyRouter({ now }),
    drawRouter({ now, wechat: options.wechatOAuth ?? null, publicUrl, frontendDir: options.frontendDir ?? null, rateLimits: options.drawRateLimits }),
    callbackRouter({
      secrets: options.callbackSecrets,
      recorder: new EventRecorder({ onStored: options.onEventStored }),
      now,
    }),
    authRouter({ ...common, corpId: options.corpId, agentId: options.agentId, devLogin: options.devLogin ?? false, standIn, loginUrls: options.loginUrls ?? WECOM_LOGIN_URLS, publicUrl, firstLoginAdmin: options.firstLoginAdmin ?? false }),
    consoleRouter({ ...common, publicUrl, agentId: options.agentId }),
    sidebarRouter({ ...common, tickets: new JsApiTickets(options.wecom), standIn, changes: options.changes }),
  ];
  app.use(requestLogger());
  app.use(errorHandler());
  app.use(securityHeaders({ https: publicUrl?.startsWith("https://") ?? false, imageOrigins: options.imageOrigins ?? [] }));
  app.use(authenticationGate({ ...common, publicOrigin: publicUrl }));
  // Before the pages: the sandbox page's own API and login live under /sandbox/ too.
  if (options.sandboxRouter) {
    app.use(options.sandboxRouter.routes());
    app.use(options.sandboxRouter.allowedMethods());
  }
  if (options.frontendDir) {
    app.use(frontend(options.frontendDir, options.sandboxRouter ? ["sidebar", "console", "sandbox"] : ["sidebar", "console"]));
  }
  for (const router of routers) {
    app.use(router.routes());
    app.use(router.allowedMethods());
  }
  // Errors thrown outside the middleware chain (socket errors) must not print to stderr raw.
  app.silent = true;
  return app;
}
