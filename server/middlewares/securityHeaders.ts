import type { Context, Next } from "koa";
import { canonicalPath } from "./authenticate.ts";

// WeCom's JS-SDK may load its bridge script from open.work.weixin.qq.com (WeChat's, for the draw
// page's cash confirmation, from res.wx.qq.com) and frame
// login.work.weixin.qq.com; avatars come from WeCom's image hosts (https). Element Plus and Vant
// set inline style attributes, so styles allow 'unsafe-inline'; scripts never do.
const BASE_POLICY = [
  "default-src 'self'",
  "script-src 'self' https://open.work.weixin.qq.com https://res.wx.qq.com",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob: https:",
  // Vant's stylesheet names a fallback of its icon font on Alibaba's CDN, scheme-relative.
  "font-src 'self' data: at.alicdn.com",
  "connect-src 'self'",
  "frame-src 'self' https://login.work.weixin.qq.com https://open.work.weixin.qq.com",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
];
// The sidebar opens inside WeCom's client, whose web version frames it; nothing else may frame it.
const SIDEBAR_ANCESTORS = "frame-ancestors 'self' https://*.weixin.qq.com https://*.qq.com";
const SAME_ORIGIN_ANCESTORS = "frame-ancestors 'self'";

/**
 * Headers every answer carries: a content security policy, who may frame the page, no MIME
 * sniffing, no referrer to other sites (URLs may carry a login code), and HSTS over HTTPS.
 *
 * @param options whether the site is served over HTTPS (PUBLIC_URL), so HSTS applies; more
 * origins pages may load images from (the sandbox's WeCom stand-in).
 * @returns the middleware.
 */
export function securityHeaders(options: { https?: boolean; imageOrigins?: string[] } = {}) {
  // The sandbox's WeCom stand-in serves the QR images WeCom's CDN would, over loopback http.
  const base = BASE_POLICY.map((directive) => (directive.startsWith("img-src ") && options.imageOrigins?.length ? `${directive} ${options.imageOrigins.join(" ")}` : directive));
  const sidebarPolicy = [...base, SIDEBAR_ANCESTORS].join("; ");
  const pagePolicy = [...base, SAME_ORIGIN_ANCESTORS].join("; ");
  return async function securityHeadersMiddleware(ctx: Context, next: Next): Promise<void> {
    const path = canonicalPath(ctx.path);
    const sidebar = path === "/sidebar" || path.startsWith("/sidebar/");
    ctx.set("Content-Security-Policy", sidebar ? sidebarPolicy : pagePolicy);
    if (!sidebar) {
      // Older browsers read only this; CSP's frame-ancestors supersedes it where both are known.
      ctx.set("X-Frame-Options", "SAMEORIGIN");
    }
    ctx.set("X-Content-Type-Options", "nosniff");
    ctx.set("Referrer-Policy", "same-origin");
    if (options.https || ctx.secure) {
      ctx.set("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
    }
    await next();
  };
}
