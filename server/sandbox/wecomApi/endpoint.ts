import type { Context } from "koa";
import { z } from "zod";

/** Which access_token an endpoint accepts: the 客户联系 secret's, the self-built app's, either, or none (gettoken). */
export type TokenRule = "none" | "any" | "agent";

/** The kind of a valid access_token: which secret it was issued for. */
export type TokenKind = "contact" | "agent";

/** What a handler gets besides its validated input. */
export interface StandInRequest {
  /** The stand-in's clock at the time of the request. */
  now: Date;
  /** The stand-in's own origin, e.g. http://127.0.0.1:54321 (QR image URLs point here). */
  baseUrl: string;
  /** The caller's token kind; undefined for gettoken. */
  tokenKind: TokenKind | undefined;
  /** The Koa context, for the few endpoints that read the raw request (media/upload). */
  ctx: Context;
}

/** One WeCom API path the stand-in answers. */
export interface Endpoint {
  /**
   * POST endpoints refuse GET with 40058 (wecom-reference §3.4); GET endpoints also accept POST
   * and read their parameters from the query string, as WeCom does.
   */
  method: "GET" | "POST";
  /** Full path, e.g. `/cgi-bin/externalcontact/get`. */
  path: string;
  token: TokenRule;
  /**
   * Parameters: the query string for GET, the JSON body for POST. `raw` endpoints get the query
   * only and read the body themselves.
   */
  input: z.ZodType;
  raw?: boolean;
  /** Answers the fields besides errcode/errmsg, or null when it wrote the response itself (media/get). */
  handle(input: unknown, request: StandInRequest): Promise<Record<string, unknown> | null>;
}

/**
 * Declare an endpoint with its input schema, so the handler sees the parsed type.
 *
 * @param endpoint method, path, token rule, schema and handler.
 * @returns the endpoint.
 */
export function endpoint<S extends z.ZodType>(endpoint: {
  method: "GET" | "POST";
  path: string;
  token: TokenRule;
  input: S;
  raw?: boolean;
  handle(input: z.infer<S>, request: StandInRequest): Promise<Record<string, unknown> | null>;
}): Endpoint {
  return endpoint as Endpoint;
}

/** A WeCom error answer: HTTP 200 with a non-zero errcode (wecom-reference §3.4). */
export class WeComError extends Error {
  /**
   * @param errcode WeCom's code.
   * @param errmsg WeCom-style message (the stand-in appends the devtool hint).
   */
  constructor(
    public readonly errcode: number,
    errmsg: string,
  ) {
    super(errmsg);
    this.name = "WeComError";
  }
}

/** The codes the stand-in answers with (wecom-reference §3.4 unless noted). */
export const ERR = {
  BAD_SECRET: 40001,
  INVALID_USERID: 40003,
  /** WeCom's global code for a media type it does not know (not in the reference table). */
  INVALID_MEDIA_TYPE: 40004,
  /** WeCom's global code for a file size out of range (not in the reference table). */
  INVALID_FILE_SIZE: 40006,
  /** WeCom's global code for an unknown or expired media_id (not in the reference table). */
  INVALID_MEDIA_ID: 40007,
  BAD_CORPID: 40013,
  INVALID_TOKEN: 40014,
  INVALID_CODE: 40029,
  /** WeCom's global code "chatid 不存在" (not in the reference table). */
  INVALID_CHAT_ID: 40050,
  INVALID_PARAMETER: 40058,
  /** WeCom's "不合法的标签ID" for corp tags. */
  INVALID_TAG_ID: 40068,
  INVALID_EXTERNAL_USERID: 40096,
  TAG_LIMIT: 40126,
  MISSING_TOKEN: 41001,
  /** WeCom's global code "缺少多媒体文件数据" (not in the reference table). */
  MISSING_MEDIA: 41005,
  INVALID_CONFIG_ID: 41044,
  INVALID_MSGID: 41047,
  NO_MASS_RECIPIENT: 41048,
  MISSING_WELCOME_CODE: 41049,
  INVALID_WELCOME_CODE: 41050,
  WELCOME_ALREADY_SENT: 41051,
  JOIN_WAY_TOO_MANY_GROUPS: 41091,
  TOKEN_EXPIRED: 42001,
  /** A frequency limit: remind_groupmsg_send past 3 per msgid in 24 hours (§13). */
  REMIND_LIMIT: 45009,
  API_UNAUTHORIZED: 48001,
  API_FORBIDDEN: 48002,
  /** WeCom's "无效的部门id" (not in the reference table). */
  INVALID_PARTY_ID: 60123,
  USER_NOT_FOUND: 60111,
  NO_RELATION: 84061,
} as const;

/**
 * Shorthand for `new WeComError(...)`.
 *
 * @param errcode WeCom's code.
 * @param errmsg what was wrong.
 * @returns the error to throw.
 */
export function wecomError(errcode: number, errmsg: string): WeComError {
  return new WeComError(errcode, errmsg);
}

/**
 * Turn a zod failure into WeCom's "invalid parameter" answer naming the first issue.
 *
 * @param error the zod error.
 * @returns a 40058 error.
 */
export function invalidParameter(error: z.ZodError): WeComError {
  const issue = error.issues[0];
  const where = issue && issue.path.length > 0 ? issue.path.join(".") : "body";
  return wecomError(ERR.INVALID_PARAMETER, `invalid parameter ${where}: ${issue?.message ?? "invalid"}`);
}

/** A query-string number (WeCom takes ids and flags as strings in GET queries). */
export const queryInt = z.coerce.number().int();

/** The cursor WeCom pages with: opaque to the caller; here an offset. */
export function decodeCursor(cursor: string | undefined): number {
  if (!cursor) {
    return 0;
  }
  const match = /^o(\d{1,9})$/.exec(Buffer.from(cursor, "base64url").toString("utf8"));
  if (!match) {
    throw wecomError(ERR.INVALID_PARAMETER, "invalid cursor");
  }
  return Number(match[1]);
}

/**
 * Cut one page out of a list and give the next cursor ("" on the last page).
 *
 * @param items the whole list, in a stable order.
 * @param cursor the caller's cursor.
 * @param limit page size.
 * @returns the page and the next cursor.
 */
export function page<T>(items: T[], cursor: string | undefined, limit: number): { items: T[]; next_cursor: string } {
  const offset = decodeCursor(cursor);
  const slice = items.slice(offset, offset + limit);
  const next = offset + limit < items.length ? Buffer.from(`o${offset + limit}`).toString("base64url") : "";
  return { items: slice, next_cursor: next };
}
