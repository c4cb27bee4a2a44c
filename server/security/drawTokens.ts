import crypto from "node:crypto";
import { getLogger } from "../logging/logger.ts";

/** How long a personal draw link works after the guide (or the bot) makes it. */
export const DRAW_TOKEN_TTL_MS = 7 * 24 * 3600 * 1000;
/** How long a participant cookie names its holder without a new link or OAuth. */
export const PARTICIPANT_TTL_MS = 30 * 24 * 3600 * 1000;

/** What a verified personal token says: who the link was made for, for which draw. */
export interface DrawTokenClaims {
  slug: string;
  externalUserId: string;
  nonce: string;
  expiresAt: Date;
}

/** Who the participant cookie names (the same fields as the draw's DrawParticipant, plus its expiry). */
export interface ParticipantClaims {
  slug: string;
  key: string;
  externalUserId?: string;
  openid?: string;
  unionid?: string;
  memberId?: string;
  expiresAt: Date;
}

/** Why a token or cookie was refused; logged as the reason, never with the token itself. */
export type TokenRefusal = "malformed" | "bad_signature" | "expired" | "wrong_draw" | "wrong_purpose";

// Each purpose signs with its own key, so a participant cookie can never be presented as a link
// token (or the OAuth state) and the other way round.
type Purpose = "link" | "participant" | "oauth_state";

interface Config {
  /** Per purpose, the keys that verify; the first signs. */
  keys: Map<Purpose, Buffer[]>;
  publicUrl: string | undefined;
  fallbackOrigin: string | undefined;
}

// A process that never configured (a script, a unit test) still signs and verifies, with a key
// that lives as long as the process: links it makes end when it stops, which is the safe side.
let config: Config = build([crypto.randomBytes(32).toString("hex")], undefined);

function derive(secret: string, purpose: Purpose): Buffer {
  return crypto.createHmac("sha256", secret).update(`scrm draw ${purpose} v1`).digest();
}

function build(secrets: string[], publicUrl: string | undefined): Config {
  const purposes: Purpose[] = ["link", "participant", "oauth_state"];
  return {
    keys: new Map(purposes.map((purpose) => [purpose, secrets.map((secret) => derive(secret, purpose))])),
    publicUrl: publicUrl?.replace(/\/+$/, ""),
    fallbackOrigin: undefined,
  };
}

/**
 * Derive the draw keys from the session secret(s) (SESSION_SECRET; app.keys) and remember the
 * site's public origin for links made outside a request (the bot, mass messages).
 *
 * @param options the session keys (the first signs, all verify) and PUBLIC_URL.
 */
export function configureDrawTokens(options: { sessionKeys: string[]; publicUrl?: string | undefined }): void {
  const fallbackOrigin = config.fallbackOrigin;
  config = build(options.sessionKeys.length > 0 ? options.sessionKeys : [crypto.randomBytes(32).toString("hex")], options.publicUrl);
  config.fallbackOrigin = fallbackOrigin;
}

/**
 * Where links made outside a request point when PUBLIC_URL is unset (main.ts: the listening
 * address), so a bot's link is at least absolute on a developer's machine.
 *
 * @param origin e.g. http://localhost:3000.
 */
export function configureDrawOrigin(origin: string): void {
  config.fallbackOrigin = origin.replace(/\/+$/, "");
}

function mac(key: Buffer, body: string): Buffer {
  return crypto.createHmac("sha256", key).update(body).digest();
}

/**
 * Sign a payload: `<base64url JSON>.<base64url HMAC-SHA256>`.
 *
 * @param purpose which key signs.
 * @param payload the claims.
 * @returns the token.
 */
function sign(purpose: Purpose, payload: Record<string, unknown>): string {
  const body = Buffer.from(JSON.stringify(payload)).toString("base64url");
  const key = (config.keys.get(purpose) as Buffer[])[0] as Buffer;
  return `${body}.${mac(key, body).toString("base64url")}`;
}

/**
 * Verify a token's signature in constant time against every configured key.
 *
 * @returns the parsed payload, or the refusal.
 */
function open(purpose: Purpose, token: string): Record<string, unknown> | TokenRefusal {
  const match = /^([A-Za-z0-9_-]{1,2048})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match) {
    return "malformed";
  }
  const [, body = "", signature = ""] = match;
  const presented = Buffer.from(signature, "base64url");
  const keys = config.keys.get(purpose) as Buffer[];
  // Check every key (no early exit) so the time taken says nothing about which one matched.
  let valid = false;
  for (const key of keys) {
    const expected = mac(key, body);
    valid = (presented.length === expected.length && crypto.timingSafeEqual(presented, expected)) || valid;
  }
  if (!valid) {
    return "bad_signature";
  }
  try {
    const payload: unknown = JSON.parse(Buffer.from(body, "base64url").toString("utf8"));
    return payload && typeof payload === "object" && !Array.isArray(payload) ? (payload as Record<string, unknown>) : "malformed";
  } catch {
    return "malformed";
  }
}

function refuse(kind: string, reason: TokenRefusal, slug: string): TokenRefusal {
  // The token is not logged: it is a credential for a person until it expires.
  getLogger("http").warn({ kind, reason, slug }, "draw credential refused");
  return reason;
}

/**
 * A signed personal token for one customer and one draw, valid for 7 days.
 *
 * @param options the draw's slug, the customer's external user id and the clock.
 * @returns the token.
 */
export function issueDrawToken(options: { slug: string; externalUserId: string; now: Date }): string {
  return sign("link", {
    d: options.slug,
    e: options.externalUserId,
    n: crypto.randomBytes(12).toString("base64url"),
    x: options.now.getTime() + DRAW_TOKEN_TTL_MS,
  });
}

/**
 * Verify a personal token for the draw whose page was opened. A forged, tampered, expired or
 * other draw's token is refused and logged (without the token).
 *
 * @param token the `t` query parameter.
 * @param slug the draw the page belongs to.
 * @param now the clock.
 * @returns the claims, or why it was refused.
 */
export function verifyDrawToken(token: string, slug: string, now: Date): DrawTokenClaims | TokenRefusal {
  const payload = open("link", token);
  if (typeof payload === "string") {
    return refuse("link", payload, slug);
  }
  const { d, e, n, x } = payload;
  if (typeof d !== "string" || typeof e !== "string" || typeof n !== "string" || typeof x !== "number") {
    return refuse("link", "malformed", slug);
  }
  if (d !== slug) {
    return refuse("link", "wrong_draw", slug);
  }
  if (x <= now.getTime()) {
    return refuse("link", "expired", slug);
  }
  return { slug: d, externalUserId: e, nonce: n, expiresAt: new Date(x) };
}

/**
 * The value of the participant cookie for one draw.
 *
 * @param claims who takes part (without expiresAt: the cookie lives PARTICIPANT_TTL_MS).
 * @param now the clock.
 * @returns the signed value.
 */
export function issueParticipant(claims: Omit<ParticipantClaims, "expiresAt">, now: Date): string {
  return sign("participant", {
    d: claims.slug,
    k: claims.key,
    e: claims.externalUserId,
    o: claims.openid,
    u: claims.unionid,
    m: claims.memberId,
    x: now.getTime() + PARTICIPANT_TTL_MS,
  });
}

/**
 * Read a participant cookie: signed for this draw and not expired, else refused.
 *
 * @param value the cookie's value.
 * @param slug the draw.
 * @param now the clock.
 * @returns the participant, or why it was refused.
 */
export function verifyParticipant(value: string, slug: string, now: Date): ParticipantClaims | TokenRefusal {
  const payload = open("participant", value);
  if (typeof payload === "string") {
    return refuse("participant", payload, slug);
  }
  const { d, k, e, o, u, m, x } = payload;
  if (typeof d !== "string" || typeof k !== "string" || typeof x !== "number") {
    return refuse("participant", "malformed", slug);
  }
  if (d !== slug) {
    return refuse("participant", "wrong_draw", slug);
  }
  if (x <= now.getTime()) {
    return refuse("participant", "expired", slug);
  }
  const optional = (value: unknown) => (typeof value === "string" && value !== "" ? value : undefined);
  return { slug: d, key: k, externalUserId: optional(e), openid: optional(o), unionid: optional(u), memberId: optional(m), expiresAt: new Date(x) };
}

/**
 * Sign an OAuth state's binding for the browser cookie (the state itself is stored, single use).
 *
 * @param payload what to bind.
 * @returns the signed value.
 */
export function signOauthBinding(payload: Record<string, unknown>): string {
  return sign("oauth_state", payload);
}

/**
 * @param value a signed OAuth binding.
 * @returns the payload, or why it was refused.
 */
export function openOauthBinding(value: string): Record<string, unknown> | TokenRefusal {
  const payload = open("oauth_state", value);
  return typeof payload === "string" ? refuse("oauth_state", payload, "") : payload;
}

function origin(explicit: string | undefined): string {
  return config.publicUrl ?? explicit?.replace(/\/+$/, "") ?? config.fallbackOrigin ?? "";
}

/**
 * The plain (anonymous) link to a draw's page, for groups, posters and the bot.
 *
 * @param slug the draw's slug.
 * @param requestOrigin this site's origin from the request when PUBLIC_URL is unset (routes/siteOrigin.ts).
 * @returns `${PUBLIC_URL or origin}/draw/<slug>`.
 */
export function drawPageUrl(slug: string, requestOrigin?: string): string {
  return `${origin(requestOrigin)}/draw/${encodeURIComponent(slug)}`;
}

/**
 * A personal link for one customer: the page recognises them without WeChat OAuth for 7 days.
 *
 * @param options the draw's slug, the customer's external user id, the clock and (inside a
 * request, when PUBLIC_URL is unset) the request's origin.
 * @returns `${PUBLIC_URL or origin}/draw/<slug>?t=<token>`.
 */
export function personalDrawLink(options: { slug: string; externalUserId: string; now: Date; origin?: string }): string {
  const token = issueDrawToken(options);
  return `${drawPageUrl(options.slug, options.origin)}?t=${token}`;
}
