import type { Context } from "koa";

/**
 * This site's origin for links we hand out (landing pages, draw links): PUBLIC_URL when set, else
 * the request's protocol and host. Not ctx.origin: in Koa 3 that is the request's Origin header,
 * which a client chooses. The host is believed from X-Forwarded-Host only with TRUST_PROXY.
 *
 * @param ctx the request.
 * @param publicUrl PUBLIC_URL, if configured.
 * @returns the origin, without a trailing slash.
 */
export function siteOrigin(ctx: Context, publicUrl?: string): string {
  return publicUrl ?? `${ctx.protocol}://${ctx.host}`;
}
