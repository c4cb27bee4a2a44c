import type { Context, Next } from "koa";
import type { z } from "zod";
import { ValidationError } from "../errors.ts";

/**
 * Parse `{ params, query, body }` against a schema and put the result on `ctx.state.input`.
 * The first issue becomes a 400 naming the field.
 *
 * @param schema a zod object schema with optional params, query and body keys.
 * @returns the middleware.
 */
export function validate(schema: z.ZodType) {
  return async function validateMiddleware(ctx: Context, next: Next): Promise<void> {
    const result = schema.safeParse({
      params: (ctx as Context & { params?: unknown }).params ?? {},
      query: ctx.query,
      body: (ctx.request as { body?: unknown }).body ?? {},
    });
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
