import type { CallbackSecrets } from "../../server/wecom/callbackCrypto.ts";

/** The official sample (wecom-reference §1.7): token, key and corp id the vectors were made with. */
export const SAMPLE = {
  token: "QDG6eK",
  aesKey: "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C",
  receiveId: "wx5823bf96d3bd56c7",
} satisfies CallbackSecrets;

export const WECOM_BASE = "https://qyapi.weixin.qq.com";
export const CONTACT_SECRET = "contact-secret-for-tests";
export const AGENT_ID = "1000002";
export const AGENT_SECRET = "agent-secret-for-tests";
