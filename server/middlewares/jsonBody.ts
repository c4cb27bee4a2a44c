import { bodyParser } from "@koa/bodyparser";
import type { Context, Next } from "koa";
import { AppError, ValidationError } from "../errors.ts";

// Keys that reach an object's prototype when a handler merges or assigns a body: refused at any
// depth, whatever route the body is for.
const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/**
 * The path of the first prototype key inside a parsed value, as a field name.
 *
 * @param value a parsed JSON value or query object.
 * @param path where value sits ("body").
 * @returns `body.a[0].__proto__`, or null when there is none.
 */
export function forbiddenKeyPath(value: unknown, path: string): string | null {
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = forbiddenKeyPath(item, `${path}[${index}]`);
      if (found) {
        return found;
      }
    }
    return null;
  }
  if (value === null || typeof value !== "object") {
    return null;
  }
  // Own keys only: JSON.parse defines "__proto__" as an own property rather than setting the prototype.
  for (const key of Object.keys(value)) {
    if (FORBIDDEN_KEYS.has(key)) {
      return `${path}.${key}`;
    }
    const found = forbiddenKeyPath((value as Record<string, unknown>)[key], `${path}.${key}`);
    if (found) {
      return found;
    }
  }
  return null;
}

/**
 * The client's error for a body the parser refused (co-body and raw-body errors), or null for
 * anything else. co-body's JSON errors carry no `expose` and hang the raw text on `body`, so
 * without this they became a logged 500.
 *
 * @param thrown what the parser threw.
 * @returns a 4xx naming `body`, or null.
 */
export function bodyParseError(thrown: unknown): AppError | null {
  if (!(thrown instanceof Error)) {
    return null;
  }
  const { status, type, body } = thrown as { status?: unknown; type?: unknown; body?: unknown };
  if (thrown instanceof SyntaxError && status === 400) {
    // @hapi/bourne refuses __proto__ and constructor.prototype; find where, from the raw text.
    if (/prototype property/.test(thrown.message) && typeof body === "string") {
      return ValidationError(`${protoKeyPathOf(body)}: 不允许的字段`);
    }
    return ValidationError("body: 请求体不是有效的 JSON");
  }
  switch (type) {
    case "entity.too.large":
      return new AppError(413, "payload_too_large", "body: 请求体过大");
    case "request.aborted":
    case "request.size.invalid":
      return ValidationError("body: 请求体不完整");
    case "encoding.unsupported":
    case "charset.unsupported":
      return new AppError(415, "unsupported_media_type", "body: 不支持的编码");
    default:
      return null;
  }
}

function protoKeyPathOf(raw: string): string {
  try {
    return forbiddenKeyPath(JSON.parse(raw) as unknown, "body") ?? "body.__proto__";
  } catch {
    return "body.__proto__";
  }
}

/**
 * Parse a JSON body (POST, PUT, PATCH and DELETE) and refuse it, with a 4xx naming the field,
 * when it is not JSON, too large, or carries a prototype key at any depth. Other content types
 * leave the body empty, so a schema reports the missing fields.
 *
 * @param options the largest body accepted (e.g. "64kb").
 * @returns the middleware.
 */
export function jsonBody(options: { limit: string }) {
  const parse = bodyParser({
    enableTypes: ["json"],
    jsonLimit: options.limit,
    parsedMethods: ["POST", "PUT", "PATCH", "DELETE"],
    onError: (error) => {
      throw bodyParseError(error) ?? error;
    },
  });
  return async function jsonBodyMiddleware(ctx: Context, next: Next): Promise<void> {
    await parse(ctx, async () => {
      const forbidden = forbiddenKeyPath((ctx.request as { body?: unknown }).body, "body");
      if (forbidden) {
        throw ValidationError(`${forbidden}: 不允许的字段`);
      }
      await next();
    });
  };
}
