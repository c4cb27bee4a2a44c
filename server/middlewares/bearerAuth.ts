import crypto from "node:crypto";
import type { Context, Next } from "koa";
import { AuthenticationError } from "../errors.ts";

/**
 * Grant admin access to holders of SCRM_API_TOKEN. Without a configured token every request is
 * refused, so an unconfigured server never exposes the console API.
 *
 * @param token the configured SCRM_API_TOKEN, if any.
 * @returns the middleware.
 */
export function bearerAuth(token: string | undefined) {
  const expected = token ? crypto.createHash("sha256").update(token).digest() : null;
  return async function bearerAuthMiddleware(ctx: Context, next: Next): Promise<void> {
    const match = /^Bearer\s+(\S+)$/i.exec(ctx.get("authorization"));
    if (!expected || !match?.[1]) {
      throw AuthenticationError("authorization: a Bearer token is required");
    }
    // Hash both sides so the comparison is constant-time whatever the presented length.
    const presented = crypto.createHash("sha256").update(match[1]).digest();
    if (!crypto.timingSafeEqual(expected, presented)) {
      throw AuthenticationError("authorization: token is not valid");
    }
    ctx.state.actor = { kind: "api_token", role: "admin" };
    await next();
  };
}
