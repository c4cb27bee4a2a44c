import type { Context, Next } from "koa";
import type { z } from "zod";
import { ValidationError } from "../errors.ts";

interface RawInput {
  params: unknown;
  query: unknown;
  body: unknown;
}

/**
 * Parse `{ params, query, body }` against a schema and put the result on `ctx.state.input`.
 * The first issue becomes a 400 naming the field.
 *
 * @param schema a zod object schema with optional params, query and body keys, or a function
 *   choosing one by the input's shape (so a union still names the failing field).
 * @returns the middleware.
 */
export function validate(schema: z.ZodType | ((input: RawInput) => z.ZodType)) {
  return async function validateMiddleware(ctx: Context, next: Next): Promise<void> {
    const input: RawInput = {
      params: (ctx as Context & { params?: unknown }).params ?? {},
      query: ctx.query,
      body: (ctx.request as { body?: unknown }).body ?? {},
    };
    const result = (typeof schema === "function" ? schema(input) : schema).safeParse(input);
    if (!result.success) {
      const issue = result.error.issues[0];
      const field = issue?.path.slice(1).join(".") || String(issue?.path[0] ?? "input");
      const missing = issue?.code === "invalid_type" && / received undefined$/.test(issue.message);
      throw ValidationError(`${field}: ${missing ? "is required" : (issue?.message ?? "invalid")}`);
    }
    ctx.state.input = result.data;
    await next();
  };
}
