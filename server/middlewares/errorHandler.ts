import type { Context, Next } from "koa";
import mongoose from "mongoose";
import { AppError, WeComApiError } from "../errors.ts";
import type { Logger } from "../logging/logger.ts";
import { bodyParseError } from "./jsonBody.ts";

/** How often refusals are written at warn level. */
export interface ErrorHandlerOptions {
  /** At most one "request refused" warn line per status and route in this window; the rest are counted. */
  refusalLogWindowMs?: number;
  now?: () => number;
}

/**
 * The one place an error becomes a response: `{ ok: false, error, status, message }`.
 * Unknown errors are logged and answered with a generic 500 that leaks nothing. Refusals (4xx)
 * are logged at warn at most once per status and route per window, with how many were left
 * out since the last line; the others go to debug. Anyone can make 401s without limit, and
 * a warn line each would bury the lines that matter and fill the disk.
 *
 * @param options the refusal log window (60 s) and the clock.
 * @returns the middleware.
 */
export function errorHandler(options: ErrorHandlerOptions = {}) {
  const throttle = refusalThrottle(options.refusalLogWindowMs ?? 60_000, options.now ?? Date.now);
  return async function errorHandlerMiddleware(ctx: Context, next: Next): Promise<void> {
    try {
      await next();
    } catch (thrown) {
      const error = toAppError(thrown);
      const log = ctx.state.log as Logger | undefined;
      if (error.status >= 500) {
        log?.error({ err: thrown }, "unhandled error");
      } else {
        const route = routeTemplate(ctx);
        const line = { status: error.status, error: error.id, reason: error.message, route };
        const suppressed = throttle(`${error.status} ${route}`);
        if (suppressed === null) {
          log?.debug(line, "request refused");
        } else {
          log?.warn(suppressed > 0 ? { ...line, suppressed } : line, "request refused");
        }
      }
      ctx.status = error.status;
      ctx.body = { ok: false, error: error.id, status: error.status, message: error.message, ...(error.errors ? { errors: error.errors } : {}) };
    }
  };
}

/**
 * @returns a function that, for a key, answers null while its window is open (counting the call),
 *   else how many calls it left out since the last line, and opens a new window.
 */
function refusalThrottle(windowMs: number, now: () => number): (key: string) => number | null {
  const windows = new Map<string, { since: number; suppressed: number }>();
  return (key) => {
    const at = now();
    const window = windows.get(key);
    if (window && at - window.since < windowMs) {
      window.suppressed += 1;
      return null;
    }
    if (windows.size >= 1000) {
      for (const [stale, open] of windows) {
        if (at - open.since >= windowMs) {
          windows.delete(stale);
        }
      }
    }
    windows.set(key, { since: at, suppressed: 0 });
    return window?.suppressed ?? 0;
  };
}

// The route's declared path; a refusal before any route matched (the authentication gate, an
// unknown path) shares one key, so varying the path cannot make new lines.
function routeTemplate(ctx: Context): string {
  const matched = (ctx as Context & { _matchedRoute?: unknown })._matchedRoute;
  return typeof matched === "string" ? matched : "(no route)";
}

function toAppError(thrown: unknown): AppError {
  if (thrown instanceof AppError) {
    return thrown;
  }
  if (thrown instanceof WeComApiError) {
    // WeCom refused: a gateway error the operator can act on (the errcode says what to fix).
    return new AppError(502, "wecom_error", `企业微信返回错误 ${thrown.errcode}: ${thrown.errmsg}`);
  }
  // Any body parser's refusal is the client's fault, also on routers that do not use jsonBody().
  const bodyError = bodyParseError(thrown);
  if (bodyError) {
    return bodyError;
  }
  if (thrown instanceof mongoose.Error.CastError) {
    return new AppError(400, "validation_error", `${thrown.path}: invalid value`);
  }
  if (thrown instanceof mongoose.Error.ValidationError) {
    const first = Object.values(thrown.errors)[0];
    return new AppError(400, "validation_error", first ? `${first.path}: ${first.message}` : "invalid input");
  }
  if (thrown instanceof mongoose.Error.DocumentNotFoundError) {
    return new AppError(404, "not_found", "resource not found");
  }
  // Koa's own errors (e.g. a malformed URL) carry an expose flag and a 4xx status.
  const status = (thrown as { status?: number; expose?: boolean }).status;
  if (typeof status === "number" && status >= 400 && status < 500 && (thrown as { expose?: boolean }).expose) {
    return new AppError(status, "bad_request", (thrown as Error).message);
  }
  return new AppError(500, "internal_error", "internal error");
}
