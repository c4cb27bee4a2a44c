import crypto from "node:crypto";
import type { Context, Next } from "koa";
import { AuthenticationError, AuthorizationError } from "../errors.ts";
import { assertCan, type Action, type Actor, type Area } from "../security/authorization.ts";
import { sessionActor } from "../security/sessions.ts";

/** What authentication needs to know. */
export interface AuthenticateOptions {
  apiToken: string | undefined;
  now: () => Date;
  /** The site's own origin (PUBLIC_URL) for the cross-site check; unset: the request's scheme and host. */
  publicOrigin?: string | undefined;
}

// The only paths under /api/ that answer without an actor: logging in needs no login.
const PUBLIC_API_PATHS = new Set(["/api/auth/options", "/api/auth/wecom/start", "/api/auth/wecom/callback", "/api/auth/bootstrap", "/api/auth/dev-login", "/api/auth/logout"]);

/**
 * The path as any router might read it: percent-decoded, lower case, without repeated or
 * trailing slashes. The gate decides on this form, so no spelling of a path (case, `%2F`,
 * `//`, a trailing slash) can be public to the gate and private to a router.
 *
 * @param path ctx.path.
 * @returns the canonical form.
 */
export function canonicalPath(path: string): string {
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    // A malformed escape cannot match a route's literal segment; judge the raw text.
  }
  return decoded.toLowerCase().replace(/[\\/]+/g, "/").replace(/(.)\/$/, "$1");
}

/**
 * Deny by default: every request under /api/ needs an actor unless its path is one of the
 * login routes, decided before any router runs and whatever router later matches it. Routers
 * then only decide authorization (server/security/authorization.ts).
 *
 * @param options the configured SCRM_API_TOKEN, the site's origin and the clock.
 * @returns the middleware.
 */
export function authenticationGate(options: AuthenticateOptions) {
  const authenticateRequest = authenticate(options);
  return async function authenticationGateMiddleware(ctx: Context, next: Next): Promise<void> {
    const path = canonicalPath(ctx.path);
    if ((path === "/api" || path.startsWith("/api/")) && !PUBLIC_API_PATHS.has(path)) {
      return authenticateRequest(ctx, next);
    }
    return next();
  };
}

/**
 * Put the actor on `ctx.state.actor`: a Bearer SCRM_API_TOKEN acts as admin (scripts,
 * integrations), otherwise the session cookie names the employee. Writes by cookie must come from
 * this origin, so another site cannot ride a guide's session.
 *
 * @param options the configured SCRM_API_TOKEN and the clock.
 * @returns the middleware.
 */
export function authenticate(options: AuthenticateOptions) {
  return async function authenticateMiddleware(ctx: Context, next: Next): Promise<void> {
    const bearer = /^Bearer\s+(\S+)$/i.exec(ctx.get("authorization"));
    if (bearer?.[1]) {
      if (!options.apiToken || !sameSecret(bearer[1], options.apiToken)) {
        throw AuthenticationError("authorization: token is not valid");
      }
      ctx.state.actor = { kind: "api_token", role: "admin", userId: null, scopeStoreIds: [] } satisfies Actor;
      return next();
    }
    const actor = await sessionActor(ctx, options.now());
    if (!actor) {
      throw AuthenticationError("请先登录");
    }
    const origin = ctx.get("origin");
    if (!["GET", "HEAD"].includes(ctx.method) && origin && origin !== (options.publicOrigin ?? `${ctx.protocol}://${ctx.host}`)) {
      throw AuthorizationError("origin: 跨站请求被拒绝");
    }
    ctx.state.actor = actor;
    return next();
  };
}

/**
 * Compare a presented secret with the configured one in constant time (digests, so lengths may differ).
 *
 * @param presented what the request carries.
 * @param expected the configured secret.
 * @returns true when they are the same.
 */
export function sameSecret(presented: string, expected: string): boolean {
  const digest = (value: string) => crypto.createHash("sha256").update(value).digest();
  return crypto.timingSafeEqual(digest(presented), digest(expected));
}

/**
 * @param ctx the request (after authenticate).
 * @returns the actor.
 */
export function actorOf(ctx: Context): Actor {
  return ctx.state.actor as Actor;
}

/**
 * Refuse unless the actor's role may act on the area; GET and HEAD read, the rest write.
 *
 * @param area the console area of the routes behind it.
 * @param action overrides the method's action (a POST that only reads, e.g. a preview).
 * @returns the middleware.
 */
export function allow(area: Area, action?: Action) {
  return async function allowMiddleware(ctx: Context, next: Next): Promise<void> {
    assertCan(actorOf(ctx), action ?? (["GET", "HEAD"].includes(ctx.method) ? "read" : "write"), area);
    await next();
  };
}
