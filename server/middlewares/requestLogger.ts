import crypto from "node:crypto";
import type { Context, Next } from "koa";
import { getLogger, safeUrl } from "../logging/logger.ts";

const ACCEPTED_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Give every request an id (kept from X-Request-Id when it looks safe), a child logger on
 * `ctx.state.log`, and one access line with status and duration.
 *
 * @returns the middleware.
 */
export function requestLogger() {
  const base = getLogger("http");
  return async function requestLoggerMiddleware(ctx: Context, next: Next): Promise<void> {
    const incoming = ctx.get("x-request-id");
    const requestId = ACCEPTED_ID.test(incoming) ? incoming : crypto.randomUUID();
    const log = base.child({ requestId });
    ctx.state.requestId = requestId;
    ctx.state.log = log;
    ctx.set("X-Request-Id", requestId);
    const started = performance.now();
    try {
      await next();
    } finally {
      const line = {
        method: ctx.method,
        path: safeUrl(ctx.originalUrl),
        status: ctx.status,
        ms: Math.round((performance.now() - started) * 10) / 10,
      };
      if (ctx.status >= 500) {
        log.error(line, "request failed");
      } else {
        log.debug(line, "request");
      }
    }
  };
}
