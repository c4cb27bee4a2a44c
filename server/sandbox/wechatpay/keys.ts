// The sandbox's WeChat Pay: a merchant key and a platform key generated at boot (never stored), and
// the product's WeChat Pay configuration pointed at the stand-in exactly as a real merchant's
// would point at api.mch.weixin.qq.com. Used only when no WECHATPAY_* credentials are set.
import crypto from "node:crypto";
import type { WeChatPayConfig } from "../../wechatpay/config.ts";
import { SANDBOX_MP_APPID } from "../wechatOAuth.ts";

/** The sandbox merchant; public values, like the sandbox corp's. */
export const SANDBOX_MCH_ID = "1900000001";
export const SANDBOX_MERCHANT_SERIAL = "5A4D5ABD0C7F000000000000000000000000SBX";
export const SANDBOX_PLATFORM_KEY_ID = "PUB_KEY_ID_SANDBOX0000000000000000000001";
/** Where the stand-in is mounted on the product's own server. */
export const STAND_IN_PREFIX = "/sandbox/wechatpay";

export interface SandboxPayKeys {
  merchantPrivatePem: string;
  merchantPublic: crypto.KeyObject;
  platformPrivate: crypto.KeyObject;
  platformPublic: crypto.KeyObject;
  apiV3Key: string;
}

let keys: SandboxPayKeys | null = null;

/**
 * @returns this process's sandbox keys, made on first use.
 */
export function sandboxPayKeys(): SandboxPayKeys {
  if (!keys) {
    const merchant = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
    const platform = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
    keys = {
      merchantPrivatePem: merchant.privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
      merchantPublic: merchant.publicKey,
      platformPrivate: platform.privateKey,
      platformPublic: platform.publicKey,
      apiV3Key: crypto.randomBytes(16).toString("hex"),
    };
  }
  return keys;
}

/**
 * The product's WeChat Pay configuration in sandbox mode: the sandbox official account's openids
 * (from the WeChat OAuth stand-in) receive the money.
 *
 * @param origin the product's own origin (the stand-in and the notify route live there).
 * @returns the configuration.
 */
export function sandboxWeChatPayConfig(origin: string): WeChatPayConfig {
  const own = sandboxPayKeys();
  return {
    mchId: SANDBOX_MCH_ID,
    appId: SANDBOX_MP_APPID,
    serialNo: SANDBOX_MERCHANT_SERIAL,
    privateKey: own.merchantPrivatePem,
    apiV3Key: own.apiV3Key,
    platformKeys: new Map([[SANDBOX_PLATFORM_KEY_ID, own.platformPublic]]),
    apiBase: `${origin}${STAND_IN_PREFIX}`,
    notifyUrl: `${origin}/wechatpay/notify`,
  };
}
