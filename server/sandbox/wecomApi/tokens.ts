import crypto from "node:crypto";
import { SANDBOX_AGENT_SECRET, SANDBOX_CONTACT_SECRET } from "../config.ts";
import { unix } from "../models/ids.ts";
import type { TokenKind } from "./endpoint.ts";

/** access_token and ticket lifetime (wecom-reference §3.1, §6.2). */
export const TOKEN_TTL_SECONDS = 7200;

// Tokens and tickets are signed rather than stored: they survive a restart of the stand-in (the
// product caches them for up to 2 h) and need no collection. The key is derived from the public
// sandbox secrets — the stand-in only guards against the product's mistakes, not attackers.
const KEY = crypto.createHash("sha256").update(`sandbox-token|${SANDBOX_CONTACT_SECRET}|${SANDBOX_AGENT_SECRET}`).digest();

type Purpose = "token" | "jsapi" | "agent_config";

/** What a presented token or ticket turned out to be. */
export type Verified =
  | { ok: true; kind: TokenKind }
  | { ok: false; reason: "invalid" | "expired" };

/**
 * Issue an access_token or a JS-SDK ticket valid for {@link TOKEN_TTL_SECONDS}.
 *
 * @param purpose token, or which ticket.
 * @param kind the secret the caller's token belongs to.
 * @param now the stand-in's clock.
 * @returns the opaque string.
 */
export function issue(purpose: Purpose, kind: TokenKind, now: Date): string {
  const expires = unix(now) + TOKEN_TTL_SECONDS;
  const nonce = crypto.randomBytes(6).toString("base64url");
  const payload = `${purpose}.${kind}.${expires}.${nonce}`;
  return `${Buffer.from(payload).toString("base64url")}.${sign(payload)}`;
}

/**
 * Check an access_token.
 *
 * @param token as presented in `?access_token=`.
 * @param now the stand-in's clock.
 * @returns its kind, or why it is refused (invalid → 40014, expired → 42001).
 */
export function verifyToken(token: string, now: Date): Verified {
  const dot = token.lastIndexOf(".");
  if (dot <= 0) {
    return { ok: false, reason: "invalid" };
  }
  const payload = Buffer.from(token.slice(0, dot), "base64url").toString("utf8");
  const signature = Buffer.from(token.slice(dot + 1));
  const expected = Buffer.from(sign(payload));
  if (signature.length !== expected.length || !crypto.timingSafeEqual(signature, expected)) {
    return { ok: false, reason: "invalid" };
  }
  const [purpose, kind, expires] = payload.split(".");
  if (purpose !== "token" || (kind !== "contact" && kind !== "agent")) {
    return { ok: false, reason: "invalid" };
  }
  if (Number(expires) <= unix(now)) {
    return { ok: false, reason: "expired" };
  }
  return { ok: true, kind };
}

function sign(payload: string): string {
  return crypto.createHmac("sha256", KEY).update(payload).digest("base64url");
}
