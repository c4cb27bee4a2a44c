import crypto from "node:crypto";

// A development-only key: production must set DATA_ENCRYPTION_KEY (env.ts refuses otherwise).
const DEVELOPMENT_KEY = crypto.createHash("sha256").update("scrm-development-only-key").digest();

let keys = deriveKeys(DEVELOPMENT_KEY);

function deriveKeys(master: Buffer): { hmac: Buffer; aes: Buffer } {
  const derive = (info: string) => Buffer.from(crypto.hkdfSync("sha256", master, Buffer.alloc(0), info, 32));
  return { hmac: derive("phone-hmac"), aes: derive("phone-aes") };
}

/**
 * Set the master key (once, at boot) from DATA_ENCRYPTION_KEY.
 *
 * @param master 32 bytes.
 */
export function configurePersonalData(master: Buffer): void {
  keys = deriveKeys(master);
}

/**
 * @param phone a mainland mobile number in any common spelling (+86, spaces, dashes).
 * @returns 11 digits, or null when it is not a mainland mobile number.
 */
export function normalizePhone(phone: string): string | null {
  const digits = phone.replace(/[\s-]/g, "").replace(/^(\+?86)/, "");
  return /^1[3-9]\d{9}$/.test(digits) ? digits : null;
}

/** How a phone number is kept: never in clear. */
export interface ProtectedPhone {
  /** HMAC for matching (equal phones, equal hashes; not reversible without the key). */
  hash: string;
  /** AES-256-GCM, for a person with the right to see it. */
  encrypted: string;
  /** 138****0000, for display. */
  masked: string;
}

/**
 * @param normalized an 11-digit phone from normalizePhone.
 * @returns its protected forms.
 */
export function protectPhone(normalized: string): ProtectedPhone {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv("aes-256-gcm", keys.aes, iv);
  const sealed = Buffer.concat([cipher.update(normalized, "utf8"), cipher.final()]);
  return {
    hash: phoneHash(normalized),
    encrypted: Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString("base64"),
    masked: `${normalized.slice(0, 3)}****${normalized.slice(7)}`,
  };
}

/**
 * @param normalized an 11-digit phone.
 * @returns the matching hash.
 */
export function phoneHash(normalized: string): string {
  return crypto.createHmac("sha256", keys.hmac).update(normalized).digest("hex");
}

/**
 * @param encrypted a value from protectPhone.
 * @returns the phone number.
 */
export function revealPhone(encrypted: string): string {
  const bytes = Buffer.from(encrypted, "base64");
  const decipher = crypto.createDecipheriv("aes-256-gcm", keys.aes, bytes.subarray(0, 12));
  decipher.setAuthTag(bytes.subarray(12, 28));
  return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString("utf8");
}
