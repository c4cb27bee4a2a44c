import crypto from "node:crypto";
import nock from "nock";
import { configureWeChatPay } from "../../server/commands/cashPayout.ts";
import { WeChatPayClient } from "../../server/wechatpay/client.ts";
import type { WeChatPayConfig } from "../../server/wechatpay/config.ts";
import { encryptResource } from "../../server/wechatpay/notification.ts";

export const PAY_BASE = "https://api.mch.weixin.qq.com";
export const BILLS = "/v3/fund-app/mch-transfer/transfer-bills";
export const MCH_ID = "1900000109";
export const APP_ID = "wxd678efh567hg6787";
export const PLATFORM_KEY_ID = "PUB_KEY_ID_0114232134912410000000000000";
export const OPENID = "o-test-openid-winner-0001";

// Generated per run: no key material is checked in.
const merchant = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
const platform = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
export const MERCHANT_PRIVATE_PEM = merchant.privateKey.export({ type: "pkcs8", format: "pem" }).toString();
export const MERCHANT_PUBLIC = merchant.publicKey;
export const APIV3_KEY = crypto.randomBytes(16).toString("hex");

/**
 * @param overrides fields to change.
 * @returns a configuration with this run's keys.
 */
export function testPayConfig(overrides: Partial<WeChatPayConfig> = {}): WeChatPayConfig {
  return {
    mchId: MCH_ID,
    appId: APP_ID,
    serialNo: "5157F09EFDC096DE15EBE81A47057A7232F1B8E1",
    privateKey: MERCHANT_PRIVATE_PEM,
    apiV3Key: APIV3_KEY,
    platformKeys: new Map([[PLATFORM_KEY_ID, platform.publicKey]]),
    apiBase: PAY_BASE,
    notifyUrl: "https://scrm.example.com/wechatpay/notify",
    ...overrides,
  };
}

/**
 * Configure the payout commands with a client on this run's keys.
 *
 * @param timeoutMs the client's per-request timeout.
 * @returns the client.
 */
export function useTestPay(timeoutMs = 500): WeChatPayClient {
  const client = new WeChatPayClient(testPayConfig(), { timeoutMs });
  configureWeChatPay(client);
  return client;
}

/**
 * WeChat Pay's signature headers over a body, with the platform key.
 *
 * @param body the exact body.
 * @param options another timestamp, or a key that is not WeChat Pay's (a forgery).
 * @returns the Wechatpay-* headers.
 */
export function platformHeaders(body: string, options: { timestamp?: number; key?: crypto.KeyObject } = {}): Record<string, string> {
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  const nonce = crypto.randomBytes(16).toString("hex");
  const signature = crypto.sign("RSA-SHA256", Buffer.from(`${timestamp}\n${nonce}\n${body}\n`), options.key ?? platform.privateKey).toString("base64");
  return { "Wechatpay-Timestamp": timestamp, "Wechatpay-Nonce": nonce, "Wechatpay-Signature": signature, "Wechatpay-Serial": PLATFORM_KEY_ID, "Content-Type": "application/json" };
}

/**
 * A signed 200 answer for nock.
 *
 * @param data the answer.
 * @returns nock's reply tuple.
 */
export function signedReply(data: unknown): [number, string, Record<string, string>] {
  const body = JSON.stringify(data);
  return [200, body, platformHeaders(body)];
}

/** @returns nock's stand-in for WeChat Pay. */
export const payApi = () => nock(PAY_BASE);

/**
 * A notification as WeChat Pay posts it: encrypted resource, signed body.
 *
 * @param bill the decrypted bill.
 * @param options another id, timestamp or signing key.
 * @returns the raw body and its headers.
 */
export function notification(bill: Record<string, unknown>, options: { id?: string; timestamp?: number; key?: crypto.KeyObject } = {}): { body: string; headers: Record<string, string> } {
  const body = JSON.stringify({
    id: options.id ?? crypto.randomUUID(),
    create_time: new Date().toISOString(),
    resource_type: "encrypt-resource",
    event_type: "MCHTRANSFER.BILL.FINISHED",
    summary: "商家转账单据终态通知",
    resource: encryptResource(JSON.stringify({ mch_id: MCH_ID, ...bill }), APIV3_KEY, "mch_payment"),
  });
  return { body, headers: platformHeaders(body, options) };
}

/** A key that is not WeChat Pay's, for forgeries. */
export const FORGER_KEY = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;

/**
 * Check our request's Authorization header against the merchant public key (what WeChat Pay does).
 *
 * @param method the method.
 * @param path the path with query.
 * @param body the exact body ("" for none).
 * @param authorization the header.
 * @returns whether it verifies, and its fields.
 */
export function verifyAuthorization(method: string, path: string, body: string, authorization: string): { valid: boolean; fields: Record<string, string> } {
  const [scheme, rest = ""] = authorization.split(" ", 2) as [string, string?];
  const fields = Object.fromEntries([...rest.matchAll(/(\w+)="([^"]*)"/g)].map((match) => [match[1] as string, match[2] as string]));
  const message = `${method}\n${path}\n${fields.timestamp}\n${fields.nonce_str}\n${body}\n`;
  const valid = scheme === "WECHATPAY2-SHA256-RSA2048" && crypto.verify("RSA-SHA256", Buffer.from(message), MERCHANT_PUBLIC, Buffer.from(fields.signature ?? "", "base64"));
  return { valid, fields };
}
