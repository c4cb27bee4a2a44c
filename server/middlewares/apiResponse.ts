import type { Context, Next } from "koa";

/**
 * Wrap a handler's `{ data, pagination? }` in the success envelope `{ ok, status, data, pagination? }`.
 *
 * @returns the middleware.
 */
export function apiResponse() {
  return async function apiResponseMiddleware(ctx: Context, next: Next): Promise<void> {
    await next();
    const body = ctx.body as { data?: unknown; pagination?: unknown } | undefined;
    if (ctx.status < 400 && body && typeof body === "object" && "data" in body) {
      ctx.body = { ok: true, status: ctx.status, ...body };
    }
  };
}
