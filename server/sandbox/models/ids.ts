import crypto from "node:crypto";

/**
 * A WeCom-looking opaque id: a prefix and random base62-ish characters.
 *
 * @param prefix what WeCom's ids of that kind start with (wm for external users, wr for chats, ...).
 * @param length how many random characters follow.
 * @returns the id.
 */
export function sandboxId(prefix: string, length = 24): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  const bytes = crypto.randomBytes(length);
  let out = prefix;
  for (const byte of bytes) {
    out += alphabet[byte % alphabet.length];
  }
  return out;
}

/** A new external_userid (WeCom's start with "wm"). */
export const newExternalUserId = (): string => sandboxId("wm", 30);
/** A new customer group chat_id (WeCom's start with "wr"). */
export const newChatId = (): string => sandboxId("wr", 30);
/** A new welcome code for add_external_contact. */
export const newWelcomeCode = (): string => sandboxId("", 43);
/** A new one-use OAuth code. */
export const newOAuthCode = (): string => sandboxId("", 32);
/** A new contact way or join way config_id (WeCom's are 32 hex characters). */
export const newConfigId = (): string => crypto.randomBytes(16).toString("hex");

/** How long a welcome code can be used (WeCom: 20 seconds after the event). */
export const SANDBOX_WELCOME_CODE_TTL_MS = 20 * 1000;

/** WeCom's times are Unix seconds. */
export const unix = (date: Date): number => Math.floor(date.getTime() / 1000);
