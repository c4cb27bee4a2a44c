// The sandbox's stand-in for WeChat web OAuth (wecom-reference.md §8.1, §8.2): the authorize
// page (a chooser: which of the sandbox's customers holds the phone) and
// `sns/oauth2/access_token`, which turns the one-use code into that customer's openid under the
// sandbox official account (and the unionid the sandbox gave them). Mounted under /sandbox/wechat.
import crypto from "node:crypto";
import type Router from "@koa/router";
import type { Context } from "koa";
import { z } from "zod";
import { ValidationError } from "../errors.ts";
import { inputOf, validate } from "../middlewares/validate.ts";
import { createRouter } from "../routes/router.ts";
import type { WeChatOAuthConfig } from "../wechat/oauth.ts";
import { SandboxCustomer } from "./models/SandboxCustomer.ts";

/** The sandbox official account (服务号); public values, like the sandbox corp's. */
export const SANDBOX_MP_APPID = "wxsandboxmp000001";
export const SANDBOX_MP_SECRET = "sandboxMpSecret0000000000000000000";
/** Which sandbox customer the browser plays on the draw page. */
const PHONE_COOKIE = "sandbox_wechat_user";
const CODE_TTL_MS = 5 * 60 * 1000;
const CHOICES = 30;

const codes = new Map<string, { externalUserId: string; expires: number }>();

/**
 * The product's OAuth configuration pointed at this stand-in.
 *
 * @param origin the product's origin (the stand-in lives on the same server).
 * @returns the config.
 */
export function sandboxWeChatOAuth(origin: string): WeChatOAuthConfig {
  return { appId: SANDBOX_MP_APPID, secret: SANDBOX_MP_SECRET, apiBase: `${origin}/sandbox/wechat`, authorizeUrl: "/sandbox/wechat/oauth2/authorize", anyBrowser: true };
}

/**
 * A sandbox customer's openid under the sandbox official account: stable, and not their
 * external_userid (WeChat's openid is another id, §8.2).
 *
 * @param externalUserId the sandbox customer.
 * @returns the openid.
 */
export function sandboxOpenid(externalUserId: string): string {
  return `o${crypto.createHash("sha256").update(`${SANDBOX_MP_APPID}:${externalUserId}`).digest("base64url").slice(0, 27)}`;
}

const AuthorizeSchema = z.object({
  query: z.object({
    appid: z.literal(SANDBOX_MP_APPID, `必须是沙盒公众号 ${SANDBOX_MP_APPID}`),
    redirect_uri: z.string().min(1).max(2048).pipe(z.url("must be an absolute URL")),
    response_type: z.literal("code"),
    scope: z.enum(["snsapi_base", "snsapi_userinfo"]),
    state: z.string().regex(/^[A-Za-z0-9]{0,128}$/).default(""),
    as: z.string().trim().min(1).max(64).optional(),
  }),
});
const TokenSchema = z.object({
  query: z.object({ appid: z.string().max(64), secret: z.string().max(128), code: z.string().max(128), grant_type: z.literal("authorization_code") }),
});

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

/**
 * The stand-in's routes.
 *
 * @param options the clock.
 * @returns the router (paths under /wechat, for the sandbox router).
 */
export function sandboxWeChatRouter(options: { now: () => Date }): Router {
  const router = createRouter();

  router.get("/wechat/oauth2/authorize", validate(AuthorizeSchema), async (ctx) => {
    const { query } = inputOf(ctx, AuthorizeSchema);
    const target = new URL(query.redirect_uri);
    // WeChat redirects only to the configured 网页授权域名 (10003 otherwise): here, this server.
    if (target.host !== ctx.host) {
      throw ValidationError(`redirect_uri: 只能跳回本站（${ctx.host}）`);
    }
    const chosen = query.as ?? ctx.cookies.get(PHONE_COOKIE);
    const customer = chosen ? await SandboxCustomer.findById(chosen, { name: 1 }).lean() : null;
    if (!customer) {
      await chooser(ctx);
      return;
    }
    ctx.cookies.set(PHONE_COOKIE, String(customer._id), { httpOnly: true, sameSite: "lax", overwrite: true, signed: false, maxAge: 30 * 86_400_000 });
    const code = crypto.randomBytes(16).toString("hex");
    if (codes.size > 5000) {
      codes.clear();
    }
    codes.set(code, { externalUserId: String(customer._id), expires: options.now().getTime() + CODE_TTL_MS });
    target.searchParams.set("code", code);
    target.searchParams.set("state", query.state);
    ctx.redirect(target.toString());
  });

  router.get("/wechat/sns/oauth2/access_token", validate(TokenSchema), async (ctx) => {
    const { query } = inputOf(ctx, TokenSchema);
    if (query.appid !== SANDBOX_MP_APPID || query.secret !== SANDBOX_MP_SECRET) {
      ctx.body = { errcode: 40125, errmsg: "invalid appsecret" };
      return;
    }
    const entry = codes.get(query.code);
    codes.delete(query.code);
    if (!entry || entry.expires <= options.now().getTime()) {
      ctx.body = { errcode: entry ? 40163 : 40029, errmsg: entry ? "code been used" : "invalid code" };
      return;
    }
    const customer = await SandboxCustomer.findById(entry.externalUserId, { unionid: 1 }).lean();
    ctx.body = {
      access_token: crypto.randomBytes(16).toString("hex"),
      expires_in: 7200,
      refresh_token: crypto.randomBytes(16).toString("hex"),
      openid: sandboxOpenid(entry.externalUserId),
      scope: "snsapi_base",
      ...(customer?.unionid ? { unionid: customer.unionid } : {}),
    };
  });

  return router;
}

async function chooser(ctx: Context): Promise<void> {
  const customers = await SandboxCustomer.find({}, { name: 1 }).sort({ created_at: -1 }).limit(CHOICES).lean();
  const links = customers
    .map((customer) => {
      const url = new URL(ctx.href);
      url.searchParams.set("as", String(customer._id));
      return `<li><a href="${escapeHtml(url.pathname + url.search)}">${escapeHtml(customer.name)}</a></li>`;
    })
    .join("");
  const empty = customers.length === 0 ? "<p>沙盒里还没有客户：请先在沙盒页面让客户扫码添加导购。</p>" : "";
  ctx.type = "text/html; charset=utf-8";
  ctx.set("Cache-Control", "no-store");
  ctx.body = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>微信授权 · 沙盒</title>
<style>
body{font-family:-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;margin:0;background:#f5f6f7;color:#1f2329}
main{max-width:420px;margin:0 auto;padding:24px 16px}h1{font-size:18px;margin:0 0 4px}p{color:#646a73;font-size:13px}
ul{list-style:none;margin:0;padding:0;background:#fff;border-radius:8px}li+li{border-top:1px solid #eef0f1}
a{display:block;padding:12px 16px;color:#1f2329;text-decoration:none}a:hover{background:#f0f5ff}
</style></head>
<body><main><h1>微信授权（沙盒）</h1><p>沙盒模式：选择拿着这部手机的微信用户（网页授权 snsapi_base，只取 openid）。</p>${empty}<ul>${links}</ul></main></body></html>`;
}
