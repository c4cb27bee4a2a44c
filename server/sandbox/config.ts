/**
 * The sandbox corp: fixed, public values that the stand-in and the product share in sandbox mode.
 * They are not secrets — the stand-in only listens on loopback and the corp does not exist at WeCom.
 */

/** The sandbox corp id (WeCom corp ids start with "ww"). */
export const SANDBOX_CORP_ID = "wwsandbox00000001";

/** The sandbox self-built app's agent id. */
export const SANDBOX_AGENT_ID = 1000001;

/** The 客户联系 (customer contact) secret: gettoken with it gives the contact token. */
export const SANDBOX_CONTACT_SECRET = "sandboxContactSecret000000000000000000000000";

/** The self-built app secret: gettoken with it gives the agent token. */
export const SANDBOX_AGENT_SECRET = "sandboxAgentSecret00000000000000000000000000";

/** The callback Token (WeCom allows up to 32 letters and digits). */
export const SANDBOX_CALLBACK_TOKEN = "sandboxCallbackToken0000";

/** The callback EncodingAESKey: 43 characters of base64 alphabet (wecom-reference §1.5). */
export const SANDBOX_AES_KEY = "SandboxEncodingAESKey0123456789abcdefghijkl";

/** The name shown for the sandbox corp (the seeded brand's root department, demoData.ts BRAND). */
export const SANDBOX_CORP_NAME = "沙盒美妆";

/** Callback secrets in the shape server/wecom/callbackCrypto.ts takes: receive id = corp id. */
export const SANDBOX_CALLBACK_SECRETS = {
  token: SANDBOX_CALLBACK_TOKEN,
  aesKey: SANDBOX_AES_KEY,
  receiveId: SANDBOX_CORP_ID,
} as const;

/** The cookie naming the person the sandbox page plays: the login stand-in logs them in. */
export const SANDBOX_GUIDE_COOKIE = "sandbox_guide";
