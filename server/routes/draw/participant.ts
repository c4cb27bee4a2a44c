import crypto from "node:crypto";
import type { Context } from "koa";
import { isDuplicateKeyError } from "../../db/duplicates.ts";
import { drawParticipant, type DrawParticipant } from "../../domain/drawParticipant.ts";
import { getLogger } from "../../logging/logger.ts";
import { Customer } from "../../models/Customer.ts";
import { DrawOAuthState } from "../../models/DrawOAuthState.ts";
import { MemberIdentity } from "../../models/MemberIdentity.ts";
import { issueParticipant, openOauthBinding, PARTICIPANT_TTL_MS, signOauthBinding, verifyDrawToken, verifyParticipant } from "../../security/drawTokens.ts";
import { authorizeUrl, exchangeOAuthCode, WeChatOAuthError, type WeChatOAuthConfig } from "../../wechat/oauth.ts";

/** The participant cookie: who is drawing on this draw's page (path /draw/<slug>). */
export const PARTICIPANT_COOKIE = "scrm_draw";
/** Binds an OAuth round trip to the browser that started it. */
const OAUTH_COOKIE = "scrm_draw_oauth";
const OAUTH_STATE_TTL_MS = 10 * 60 * 1000;
// WeChat's codes live 5 minutes; remembering a used one longer refuses any replay.
const USED_CODE_TTL_MS = 10 * 60 * 1000;

const cookiePath = (slug: string) => `/draw/${slug}`;

/**
 * The participant the request's cookie names for this draw, or null (no cookie, or one refused:
 * forged, another draw's, expired).
 *
 * @param ctx the request.
 * @param slug the draw.
 * @param now the clock.
 * @returns the participant.
 */
export function participantOf(ctx: Context, slug: string, now: Date): DrawParticipant | null {
  const value = ctx.cookies.get(PARTICIPANT_COOKIE);
  if (!value) {
    return null;
  }
  const claims = verifyParticipant(value, slug, now);
  if (typeof claims === "string") {
    return null;
  }
  return { key: claims.key, externalUserId: claims.externalUserId, openid: claims.openid, unionid: claims.unionid, memberId: claims.memberId };
}

/**
 * Set the participant cookie: signed, httpOnly, SameSite=Lax (WeChat's redirect back is a
 * top-level GET), only for this draw's pages.
 */
function remember(ctx: Context, slug: string, participant: DrawParticipant, now: Date): void {
  ctx.cookies.set(PARTICIPANT_COOKIE, issueParticipant({ slug, ...participant }, now), {
    path: cookiePath(slug),
    httpOnly: true,
    sameSite: "lax",
    secure: ctx.secure,
    signed: false,
    maxAge: PARTICIPANT_TTL_MS,
    overwrite: true,
  });
}

async function memberIdOf(keys: string[]): Promise<string | undefined> {
  for (const key of keys) {
    const identity = await MemberIdentity.findById(key, { memberId: 1 }).lean();
    if (identity) {
      return String(identity.memberId);
    }
  }
  return undefined;
}

/**
 * Exchange a personal link's token for the participant cookie. A refused token changes nothing
 * (the refusal is logged by verifyDrawToken, without the token).
 *
 * @param ctx the request.
 * @param slug the draw whose page was opened.
 * @param token the `t` parameter.
 * @param now the clock.
 * @returns true when the token was good and the cookie set.
 */
export async function exchangeToken(ctx: Context, slug: string, token: string, now: Date): Promise<boolean> {
  const claims = verifyDrawToken(token, slug, now);
  if (typeof claims === "string") {
    return false;
  }
  // An openid an earlier OAuth gave this browser stays (cash needs it), unless the cookie named
  // another customer: then that WeChat identity is not this link's customer's.
  const before = participantOf(ctx, slug, now);
  const same = !before?.externalUserId || before.externalUserId === claims.externalUserId;
  const memberId = await memberIdOf([`customer:${claims.externalUserId}`]);
  const participant = drawParticipant({ externalUserId: claims.externalUserId, openid: same ? before?.openid : undefined, unionid: same ? before?.unionid : undefined, memberId }) as DrawParticipant;
  remember(ctx, slug, participant, now);
  return true;
}

/**
 * Start WeChat web OAuth: a single-use, expiring state stored here and bound to this browser by
 * a signed cookie, then WeChat's authorize URL.
 *
 * @param ctx the request.
 * @param options the official account, the draw, the site's origin and the clock.
 * @returns the URL to redirect to.
 */
export async function startOAuth(ctx: Context, options: { config: WeChatOAuthConfig; slug: string; origin: string; now: Date }): Promise<string> {
  const state = crypto.randomBytes(24).toString("hex");
  const expiresAt = new Date(options.now.getTime() + OAUTH_STATE_TTL_MS);
  await DrawOAuthState.create({ _id: state, slug: options.slug, expiresAt });
  ctx.cookies.set(OAUTH_COOKIE, signOauthBinding({ s: state, d: options.slug }), { path: cookiePath(options.slug), httpOnly: true, sameSite: "lax", secure: ctx.secure, signed: false, expires: expiresAt, overwrite: true });
  return authorizeUrl(options.config, `${options.origin}/draw/${options.slug}/oauth/callback`, state);
}

/** Why an OAuth callback was refused, for the page (Chinese) and the log (the kind). */
export class OAuthRefusal extends Error {
  override name = "OAuthRefusal";

  /**
   * @param kind what went wrong, for the log.
   * @param message what the customer reads.
   */
  constructor(
    public readonly kind: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Finish WeChat web OAuth: the state must be the one this browser started, unused and unexpired;
 * the code is used once; the openid (and unionid when WeChat returns it) link to the customer and
 * member where known; the participant cookie is set.
 *
 * @param ctx the request.
 * @param options the official account, the draw, the query's code and state, and the clock.
 * @returns the participant.
 * @throws OAuthRefusal for a tampered, foreign, replayed or expired state, or a refused code.
 */
export async function finishOAuth(ctx: Context, options: { config: WeChatOAuthConfig; slug: string; code: string | undefined; state: string; now: Date }): Promise<DrawParticipant> {
  const { slug, now } = options;
  const bound = openOauthBinding(ctx.cookies.get(OAUTH_COOKIE) ?? "");
  ctx.cookies.set(OAUTH_COOKIE, null, { path: cookiePath(slug), httpOnly: true, sameSite: "lax", overwrite: true });
  if (typeof bound === "string" || bound.s !== options.state || bound.d !== slug) {
    throw refused("foreign_state", "授权不是从这个浏览器发起的，请重新打开抽奖页");
  }
  // Deleted as it is read: a state is honoured once.
  const stored = await DrawOAuthState.findOneAndDelete({ _id: options.state }).lean();
  if (!stored || stored.slug !== slug || stored.expiresAt <= now || options.state.startsWith("code")) {
    throw refused("stale_state", "授权已过期或已使用，请重新打开抽奖页");
  }
  if (!options.code) {
    throw refused("no_code", "您取消了微信授权");
  }
  const codeKey = `code${crypto.createHash("sha256").update(options.code).digest("hex")}`;
  try {
    await DrawOAuthState.create({ _id: codeKey, slug, expiresAt: new Date(now.getTime() + USED_CODE_TTL_MS) });
  } catch (error) {
    if (isDuplicateKeyError(error)) {
      throw refused("used_code", "授权码已使用，请重新打开抽奖页");
    }
    throw error;
  }
  let identity;
  try {
    identity = await exchangeOAuthCode(options.config, options.code);
  } catch (error) {
    if (error instanceof WeChatOAuthError) {
      throw refused(`wechat_${error.errcode}`, "微信授权失败，请重新打开抽奖页");
    }
    throw error;
  }
  const before = participantOf(ctx, slug, now);
  const customer = identity.unionid ? await Customer.findOne({ unionid: identity.unionid }, { externalUserId: 1 }).lean() : null;
  // WeChat's unionid says who holds the phone; it wins over a (possibly forwarded) link's customer.
  const externalUserId = customer?.externalUserId ?? before?.externalUserId ?? undefined;
  const memberId = await memberIdOf([...(identity.unionid ? [`unionid:${identity.unionid}`] : []), ...(externalUserId ? [`customer:${externalUserId}`] : [])]);
  const participant = drawParticipant({ externalUserId, openid: identity.openid, unionid: identity.unionid, memberId }) as DrawParticipant;
  remember(ctx, slug, participant, now);
  return participant;
}

function refused(kind: string, message: string): OAuthRefusal {
  // Neither the state nor the code is logged: both are credentials while they live.
  getLogger("http").warn({ kind }, "draw OAuth refused");
  return new OAuthRefusal(kind, message);
}
