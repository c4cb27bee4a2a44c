import type Router from "@koa/router";
import type Koa from "koa";
import { createApp } from "../../server/app.ts";
import { API_TOKEN, testWeComClient } from "./server.ts";
import { SAMPLE } from "./wecomSecrets.ts";

/** One route the app serves, as its router declares it. */
export interface RouteEntry {
  method: string;
  /** The declared path, with `:params`. */
  path: string;
  /** `METHOD /path`, the key tests use. */
  key: string;
}

/**
 * Every route the app serves, read from the routers mounted on it (each `router.routes()`
 * middleware carries its router), not from a hand-written list: a route added anywhere shows up.
 * HEAD, which @koa/router adds beside every GET, is left out.
 *
 * @param app the Koa app from createApp.
 * @returns the routes, sorted by key.
 */
export function listRoutes(app: Koa): RouteEntry[] {
  const routes = new Map<string, RouteEntry>();
  for (const middleware of app.middleware as ((...args: unknown[]) => unknown)[]) {
    const router = (middleware as { router?: Router }).router;
    if (!router) {
      continue;
    }
    for (const layer of router.stack) {
      if (typeof layer.path !== "string") {
        continue;
      }
      for (const method of layer.methods.filter((name) => name !== "HEAD")) {
        const key = `${method} ${layer.path}`;
        routes.set(key, { method, path: layer.path, key });
      }
    }
  }
  return [...routes.values()].sort((a, b) => a.key.localeCompare(b.key));
}

/**
 * A concrete path for a declared one: each `:param` replaced by the value given for it, or a
 * plausible id.
 *
 * @param path the declared path.
 * @param values values per parameter name.
 * @returns the path to request.
 */
export function concretePath(path: string, values: Record<string, string> = {}): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, (_, name: string) => encodeURIComponent(values[name] ?? `x${name}`));
}

// What answers without a login, and why: health checks, WeCom's own callback (signed), and the
// steps of logging in. Anything else added later must log in, or be added here on purpose.
export const PUBLIC_ROUTES = new Set([
  "GET /healthz",
  "GET /wecom/callback",
  "POST /wecom/callback",
  "GET /api/auth/options",
  "GET /api/auth/wecom/start",
  "GET /api/auth/wecom/callback",
  "POST /api/auth/bootstrap",
  "POST /api/auth/dev-login",
  "POST /api/auth/logout",
  // A funnel's landing page and its group QRs: customers' phones open them from a printed poster,
  // inside WeChat's browser, with no account here (server/routes/landing).
  "GET /g/:slug",
  "GET /g/:slug/qr/:imageId",
  // WeChat Pay's transfer notifications: signed by WeChat Pay, verified in the route (server/routes/wechatpay).
  "POST /wechatpay/notify",
  // A lucky draw's page and its JSON API: customers' phones open them from a guide's link, a group
  // or a poster; the participant is a signed cookie from a personal link or WeChat OAuth
  // (server/routes/draw).
  "GET /draw/:slug",
  "GET /draw/:slug/oauth/callback",
  "GET /draw/:slug/api/state",
  "POST /draw/:slug/api/draws",
  "POST /draw/:slug/api/wins/:winId/address",
  "GET /draw/:slug/api/wins/:winId/cash",
  "GET /draw/:slug/api/wx-config",
]);

/**
 * The app as the test server builds it, for reading its routes.
 *
 * @returns every route it serves.
 */
export function appRoutes(): RouteEntry[] {
  const app = createApp({ callbackSecrets: SAMPLE, apiToken: API_TOKEN, wecom: testWeComClient(), sessionKeys: ["k".repeat(40)], corpId: SAMPLE.receiveId, agentId: "1000002", standIn: true, devLogin: true });
  return listRoutes(app);
}
