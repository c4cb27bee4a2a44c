import type { Context, Next } from "koa";
import type { z } from "zod";
import { ValidationError } from "../errors.ts";
import { forbiddenKeyPath } from "./jsonBody.ts";

interface RawInput {
  params: unknown;
  query: unknown;
  body: unknown;
}

type SchemaChoice = z.ZodType | ((input: RawInput) => z.ZodType);

const SCALAR_NAMES: Record<string, string> = { string: "字符串", number: "数字", int: "整数", boolean: "布尔值", date: "日期", bigint: "整数" };

/**
 * Parse `{ params, query, body }` against a schema and put the result on `ctx.state.input`.
 * The first issue becomes a 400 naming the field.
 *
 * @param schema a zod object schema with optional params, query and body keys, or a function
 *   choosing one by the input's shape (so a union still names the failing field).
 * @returns the middleware, carrying its schema as `schema` so route tables can read what it takes.
 */
export function validate(schema: SchemaChoice) {
  async function validateMiddleware(ctx: Context, next: Next): Promise<void> {
    const input: RawInput = {
      params: (ctx as Context & { params?: unknown }).params ?? {},
      query: ctx.query,
      body: (ctx.request as { body?: unknown }).body ?? {},
    };
    // Also here, for bodies parsed by something other than jsonBody().
    const forbidden = forbiddenKeyPath(input.body, "body") ?? forbiddenKeyPath(input.query, "query");
    if (forbidden) {
      throw ValidationError(`${forbidden}: 不允许的字段`);
    }
    const result = (typeof schema === "function" ? schema(input) : schema).safeParse(input);
    if (!result.success) {
      // Every issue, so a form shows each field's refusal at once, not one per save.
      const described = result.error.issues.slice(0, 50).map((issue) => describeIssue(issue, input));
      throw ValidationError(described[0] ?? "input: invalid", described.length > 1 ? described : undefined);
    }
    ctx.state.input = result.data;
    ctx.state.inputSchema = schema;
    await next();
  }
  return Object.assign(validateMiddleware, { schema });
}

/**
 * The input `validate(schema)` parsed for this request, typed by that schema. The schema is
 * checked to be the one that ran, so a handler cannot read its input as another route's shape.
 *
 * @param ctx the request, after `validate(schema)`.
 * @param schema the same schema object given to validate.
 * @returns the parsed input.
 */
export function inputOf<S extends SchemaChoice>(ctx: Context, schema: S): z.output<S extends (input: RawInput) => infer C ? C : S> {
  if (ctx.state.inputSchema !== schema) {
    throw new Error("inputOf: this route did not validate its input with this schema");
  }
  return ctx.state.input;
}

function describeIssue(issue: z.core.$ZodIssue | undefined, input: RawInput): string {
  const field = issue?.path.slice(1).join(".") || String(issue?.path[0] ?? "input");
  if (issue?.code !== "invalid_type") {
    return `${field}: ${issue?.message ?? "invalid"}`;
  }
  if (/ received undefined$/.test(issue.message)) {
    return `${field}: is required`;
  }
  // `{"$gt": ""}` where an id belongs is how a Mongo filter gets injected: say so plainly.
  const given = valueAt(input, issue.path);
  const scalar = SCALAR_NAMES[issue.expected];
  if (scalar && given !== null && typeof given === "object") {
    return `${field}: 应为${scalar}，不接受${Array.isArray(given) ? "数组" : "对象"}`;
  }
  return `${field}: ${issue.message}`;
}

function valueAt(input: RawInput, path: PropertyKey[]): unknown {
  let value: unknown = input;
  for (const key of path) {
    if (value === null || typeof value !== "object") {
      return undefined;
    }
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}
