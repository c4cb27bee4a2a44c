import type { Context, Next } from "koa";
import mongoose from "mongoose";
import { AppError, WeComApiError } from "../errors.ts";
import type { Logger } from "../logging/logger.ts";
import { bodyParseError } from "./jsonBody.ts";

/**
 * The one place an error becomes a response: `{ ok: false, error, status, message }`.
 * Unknown errors are logged and answered with a generic 500 that leaks nothing.
 *
 * @returns the middleware.
 */
export function errorHandler() {
  return async function errorHandlerMiddleware(ctx: Context, next: Next): Promise<void> {
    try {
      await next();
    } catch (thrown) {
      const error = toAppError(thrown);
      const log = ctx.state.log as Logger | undefined;
      if (error.status >= 500) {
        log?.error({ err: thrown }, "unhandled error");
      } else {
        log?.warn({ status: error.status, error: error.id, reason: error.message }, "request refused");
      }
      ctx.status = error.status;
      ctx.body = { ok: false, error: error.id, status: error.status, message: error.message };
    }
  };
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
