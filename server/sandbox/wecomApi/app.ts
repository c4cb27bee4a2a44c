import Koa, { type Context } from "koa";
import getRawBody from "raw-body";
import { getLogger } from "../../logging/logger.ts";
import { appMessageEndpoints } from "./endpoints/appMessages.ts";
import { authEndpoints } from "./endpoints/auth.ts";
import { contactWayEndpoints } from "./endpoints/contactWays.ts";
import { customerEndpoints } from "./endpoints/customers.ts";
import { directoryEndpoints } from "./endpoints/directory.ts";
import { groupEndpoints } from "./endpoints/groups.ts";
import { massMessageEndpoints, massMessageFollowUpEndpoints } from "./endpoints/massMessages.ts";
import { mediaEndpoints } from "./endpoints/media.ts";
import { momentEndpoints } from "./endpoints/moments.ts";
import { tagEndpoints } from "./endpoints/tags.ts";
import { transferEndpoints } from "./endpoints/transfers.ts";
import { welcomeEndpoints } from "./endpoints/welcome.ts";
import { ERR, invalidParameter, WeComError, wecomError, type Endpoint, type TokenKind } from "./endpoint.ts";
import { serveQr } from "./qr.ts";
import { verifyToken } from "./tokens.ts";

/** Every WeCom path the stand-in answers. */
export const ENDPOINTS: readonly Endpoint[] = [
  ...authEndpoints,
  ...directoryEndpoints,
  ...customerEndpoints,
  ...tagEndpoints,
  ...contactWayEndpoints,
  ...welcomeEndpoints,
  ...groupEndpoints,
  ...massMessageEndpoints,
  ...massMessageFollowUpEndpoints,
  ...momentEndpoints,
  ...mediaEndpoints,
  ...appMessageEndpoints,
  ...transferEndpoints,
];

const JSON_LIMIT = "2mb";

/** Options of {@link createWeComStandInApp}. */
export interface StandInAppOptions {
  /** The stand-in's clock (tokens, codes, QR and media expiry). */
  now: () => Date;
  /** The stand-in's own origin, known once it listens. */
  baseUrl: () => string;
}

/**
 * The WeCom API stand-in as a Koa app: `/cgi-bin/...` answered like WeCom (HTTP 200, JSON with
 * errcode/errmsg), `/qr/...png` images. Any other `/cgi-bin` path answers 48001 (see below);
 * anything else is a 404.
 *
 * @param options clock and origin.
 * @returns the app (not listening).
 */
export function createWeComStandInApp(options: StandInAppOptions): Koa {
  const byPath = new Map(ENDPOINTS.map((endpoint) => [endpoint.path, endpoint]));
  const app = new Koa();
  const log = getLogger("wecom", { standIn: true });
  // A bug in the stand-in answers HTTP 500 (the product's client retries it as a WeCom outage).
  app.silent = true;
  app.on("error", (error: unknown) => log.error({ err: error }, "wecom stand-in failed"));
  app.use(async function standIn(ctx) {
    const now = options.now();
    if (await serveQr(ctx, now)) {
      return;
    }
    if (!ctx.path.startsWith("/cgi-bin/")) {
      ctx.status = 404;
      ctx.body = "not found";
      return;
    }
    ctx.type = "application/json";
    try {
      const endpoint = byPath.get(ctx.path);
      // WeCom has no documented code for a path it does not know; the stand-in answers the code
      // of an API the corp may not call (48001), so the product's client fails with a
      // WeComApiError naming the path instead of a network error.
      if (!endpoint) {
        throw wecomError(ERR.API_UNAUTHORIZED, `api unauthorized: the sandbox stand-in does not implement ${ctx.path}`);
      }
      const answer = await dispatch(endpoint, ctx, now, options.baseUrl());
      if (answer !== null) {
        ctx.body = { errcode: 0, errmsg: "ok", ...answer };
      }
    } catch (error) {
      if (!(error instanceof WeComError)) {
        throw error;
      }
      ctx.body = {
        errcode: error.errcode,
        errmsg: `${error.message}, hint: [sandbox], more info at https://open.work.weixin.qq.com/devtool/query?e=${error.errcode}`,
      };
    }
  });
  return app;
}

async function dispatch(endpoint: Endpoint, ctx: Context, now: Date, baseUrl: string): Promise<Record<string, unknown> | null> {
  if (endpoint.method === "POST" && ctx.method !== "POST") {
    throw wecomError(ERR.INVALID_PARAMETER, "invalid parameter: POST method required");
  }
  const tokenKind = endpoint.token === "none" ? undefined : checkToken(ctx, now, endpoint.token === "agent");
  const params = endpoint.method === "GET" || endpoint.raw ? withoutToken(ctx.query) : await readJson(ctx);
  const parsed = endpoint.input.safeParse(params);
  if (!parsed.success) {
    throw invalidParameter(parsed.error);
  }
  return endpoint.handle(parsed.data, { now, baseUrl, tokenKind, ctx });
}

// §3.4: 41001 missing, 40014 invalid, 42001 expired.
function checkToken(ctx: Context, now: Date, agentOnly: boolean): TokenKind {
  const token = ctx.query.access_token;
  if (typeof token !== "string" || token === "") {
    throw wecomError(ERR.MISSING_TOKEN, "access_token missing");
  }
  const verified = verifyToken(token, now);
  if (!verified.ok) {
    throw verified.reason === "expired"
      ? wecomError(ERR.TOKEN_EXPIRED, "access_token expired")
      : wecomError(ERR.INVALID_TOKEN, "invalid access_token");
  }
  // OAuth codes and app tickets belong to an app (§3.2): the 客户联系 secret's token may not.
  if (agentOnly && verified.kind !== "agent") {
    throw wecomError(ERR.API_FORBIDDEN, "api forbidden: needs the self-built app's access_token");
  }
  return verified.kind;
}

function withoutToken(query: Context["query"]): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries(query)) {
    const first = Array.isArray(value) ? value[0] : value;
    if (name !== "access_token" && typeof first === "string") {
      params[name] = first;
    }
  }
  return params;
}

// WeCom reads the body as JSON whatever the content type; bad JSON is 40058 (§3.4).
async function readJson(ctx: Context): Promise<unknown> {
  let text: string;
  try {
    text = await getRawBody(ctx.req, { limit: JSON_LIMIT, encoding: "utf8" });
  } catch {
    throw wecomError(ERR.INVALID_PARAMETER, "invalid parameter: body too large");
  }
  if (text.trim() === "") {
    return {};
  }
  try {
    return JSON.parse(text);
  } catch {
    throw wecomError(ERR.INVALID_PARAMETER, "invalid parameter: body is not JSON");
  }
}
