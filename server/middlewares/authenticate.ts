import crypto from "node:crypto";
import type { Context, Next } from "koa";
import { AuthenticationError, AuthorizationError } from "../errors.ts";
import { assertCan, type Action, type Actor, type Area } from "../security/authorization.ts";
import { sessionActor } from "../security/sessions.ts";

/**
 * Put the actor on `ctx.state.actor`: a Bearer SCRM_API_TOKEN acts as admin (scripts,
 * integrations), otherwise the session cookie names the employee. Writes by cookie must come from
 * this origin, so another site cannot ride a guide's session.
 *
 * @param options the configured SCRM_API_TOKEN and the clock.
 * @returns the middleware.
 */
export function authenticate(options: { apiToken: string | undefined; now: () => Date }) {
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
    if (!["GET", "HEAD"].includes(ctx.method) && origin && origin !== `${ctx.protocol}://${ctx.host}`) {
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
