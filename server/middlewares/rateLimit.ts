import type { Context, Next } from "koa";
import { AppError } from "../errors.ts";

/** How many attempts a client gets in a window, and which answers count as attempts. */
export interface RateLimitOptions {
  windowMs: number;
  max: number;
  /** Count only answers with these statuses (e.g. failed logins); unset: every request counts. */
  countStatuses?: number[];
  now?: () => number;
}

/**
 * Refuse a client (by ctx.ip, which trusts X-Forwarded-For only behind a configured proxy) that
 * made `max` counted attempts within the window: 429 until the window ends. Kept in memory per
 * process: it slows guessing (the bootstrap token, login states) and state-filling, which is all
 * it is for; several processes each allow `max`.
 *
 * @param options the window, the allowance and what counts.
 * @returns the middleware.
 */
export function rateLimit(options: RateLimitOptions) {
  const now = options.now ?? Date.now;
  const windows = new Map<string, { startedAt: number; count: number }>();
  return async function rateLimitMiddleware(ctx: Context, next: Next): Promise<void> {
    const at = now();
    if (windows.size > 10_000) {
      for (const [key, window] of windows) {
        if (at - window.startedAt >= options.windowMs) {
          windows.delete(key);
        }
      }
    }
    const key = ctx.ip;
    let window = windows.get(key);
    if (!window || at - window.startedAt >= options.windowMs) {
      window = { startedAt: at, count: 0 };
      windows.set(key, window);
    }
    if (window.count >= options.max) {
      const seconds = Math.ceil((window.startedAt + options.windowMs - at) / 1000);
      ctx.set("Retry-After", String(seconds));
      throw new AppError(429, "too_many_requests", `请求过于频繁，请 ${seconds} 秒后再试`);
    }
    const counted = window;
    const count = (status: number) => {
      if (!options.countStatuses || options.countStatuses.includes(status)) {
        counted.count += 1;
      }
    };
    try {
      await next();
    } catch (error) {
      count((error as { status?: number }).status ?? 500);
      throw error;
    }
    count(ctx.status);
  };
}
