import crypto from "node:crypto";
import fs from "node:fs";
import type { Env } from "../env.ts";

/** Everything the client needs to call WeChat Pay and to trust what it answers (wecom-reference §7.1). */
export interface WeChatPayConfig {
  mchId: string;
  /** The official account whose openid receives the money (WECHAT_MP_APPID's account). */
  appId: string;
  /** Serial of the merchant API certificate: names the key that signed our requests. */
  serialNo: string;
  /** Merchant private key (apiclient_key.pem), PEM. */
  privateKey: string;
  /** The 32-byte APIv3 key that encrypts notifications' resources. */
  apiV3Key: string;
  /** WeChat Pay's verification keys by the serial its answers name (a PUB_KEY_ID_… or a platform certificate serial). */
  platformKeys: Map<string, crypto.KeyObject>;
  apiBase: string;
  notifyUrl: string;
}

/** The variables that together configure WeChat Pay; verification needs one of the two key forms too. */
export const WECHATPAY_REQUIRED = ["WECHATPAY_MCHID", "WECHATPAY_APPID", "WECHATPAY_SERIAL_NO", "WECHATPAY_PRIVATE_KEY", "WECHATPAY_APIV3_KEY"] as const;

/**
 * Problems with a partial WeChat Pay configuration, one per missing variable (checked at boot).
 *
 * @param source the raw variables.
 * @returns empty when WeChat Pay is fully configured or not at all.
 */
export function wechatPayProblems(source: Record<string, string | undefined>): string[] {
  const has = (key: string) => (source[key] ?? "").trim() !== "";
  const keys = [...WECHATPAY_REQUIRED, "WECHATPAY_PLATFORM_PUBLIC_KEY", "WECHATPAY_PLATFORM_PUBLIC_KEY_ID", "WECHATPAY_PLATFORM_CERTS"];
  if (!keys.some(has)) {
    return [];
  }
  const problems = WECHATPAY_REQUIRED.filter((key) => !has(key)).map((key) => `${key}: is required once any WECHATPAY_* setting is given`);
  if (has("WECHATPAY_PLATFORM_PUBLIC_KEY") !== has("WECHATPAY_PLATFORM_PUBLIC_KEY_ID")) {
    problems.push("WECHATPAY_PLATFORM_PUBLIC_KEY_ID: WECHATPAY_PLATFORM_PUBLIC_KEY and WECHATPAY_PLATFORM_PUBLIC_KEY_ID go together");
  }
  if (!has("WECHATPAY_PLATFORM_PUBLIC_KEY") && !has("WECHATPAY_PLATFORM_CERTS")) {
    problems.push("WECHATPAY_PLATFORM_PUBLIC_KEY: WeChat Pay's answers cannot be verified without it (or WECHATPAY_PLATFORM_CERTS)");
  }
  const apiV3Key = (source.WECHATPAY_APIV3_KEY ?? "").trim();
  if (apiV3Key !== "" && Buffer.byteLength(apiV3Key) !== 32) {
    problems.push("WECHATPAY_APIV3_KEY: must be exactly 32 characters");
  }
  return problems;
}

// A PEM given inline (with real or escaped newlines) or the path of a file holding it.
function pemOf(value: string, name: string): string {
  if (value.includes("-----BEGIN")) {
    return value.replace(/\\n/g, "\n");
  }
  try {
    return fs.readFileSync(value, "utf8");
  } catch {
    // The path only: the value is not a key, and nothing else about it is worth saying.
    throw new Error(`${name}: cannot read the key file ${value}`);
  }
}

/**
 * The platform certificates given as PEM text or comma-separated paths, keyed by their serial.
 *
 * @param value WECHATPAY_PLATFORM_CERTS.
 * @returns serial → public key.
 */
function platformCertificates(value: string): [string, crypto.KeyObject][] {
  const text = value.includes("-----BEGIN") ? pemOf(value, "WECHATPAY_PLATFORM_CERTS") : value.split(",").map((file) => pemOf(file.trim(), "WECHATPAY_PLATFORM_CERTS")).join("\n");
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((block) => {
    const certificate = new crypto.X509Certificate(block);
    return [certificate.serialNumber.toUpperCase(), certificate.publicKey];
  });
}

/**
 * Read WeChat Pay's configuration; keys given as paths are read here, once, at boot.
 *
 * @param env the parsed environment (partial configurations were refused there).
 * @returns the configuration, or null when WeChat Pay is not configured.
 */
export function wechatPayConfigFromEnv(env: Env): WeChatPayConfig | null {
  if (!env.WECHATPAY_MCHID || !env.WECHATPAY_APPID || !env.WECHATPAY_SERIAL_NO || !env.WECHATPAY_PRIVATE_KEY || !env.WECHATPAY_APIV3_KEY) {
    return null;
  }
  const platformKeys = new Map<string, crypto.KeyObject>();
  if (env.WECHATPAY_PLATFORM_PUBLIC_KEY && env.WECHATPAY_PLATFORM_PUBLIC_KEY_ID) {
    platformKeys.set(env.WECHATPAY_PLATFORM_PUBLIC_KEY_ID, crypto.createPublicKey(pemOf(env.WECHATPAY_PLATFORM_PUBLIC_KEY, "WECHATPAY_PLATFORM_PUBLIC_KEY")));
  }
  for (const [serial, key] of env.WECHATPAY_PLATFORM_CERTS ? platformCertificates(env.WECHATPAY_PLATFORM_CERTS) : []) {
    platformKeys.set(serial, key);
  }
  const publicUrl = env.PUBLIC_URL ?? `http://127.0.0.1:${env.PORT}`;
  return {
    mchId: env.WECHATPAY_MCHID,
    appId: env.WECHATPAY_APPID,
    serialNo: env.WECHATPAY_SERIAL_NO,
    privateKey: pemOf(env.WECHATPAY_PRIVATE_KEY, "WECHATPAY_PRIVATE_KEY"),
    apiV3Key: env.WECHATPAY_APIV3_KEY,
    platformKeys,
    apiBase: env.WECHATPAY_API_BASE.replace(/\/+$/, ""),
    notifyUrl: env.WECHATPAY_NOTIFY_URL ?? `${publicUrl}/wechatpay/notify`,
  };
}
