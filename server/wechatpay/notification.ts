import crypto from "node:crypto";
import { z } from "zod";
import type { WeChatPayConfig } from "./config.ts";
import { signedHeadersOf, verifyWeChatPaySignature } from "./signature.ts";

/**
 * How far a notification's signed timestamp may be from our clock. WeChat Pay signs each delivery
 * as it sends it, so a genuine one is seconds old; past this a captured notification is refused.
 */
export const NOTIFY_WINDOW_SECONDS = 5 * 60;

const EnvelopeSchema = z.object({
  id: z.string().min(1),
  event_type: z.string().min(1),
  resource: z.object({
    algorithm: z.literal("AEAD_AES_256_GCM"),
    ciphertext: z.string().min(1),
    associated_data: z.string().default(""),
    nonce: z.string().min(1),
  }),
});

const BillSchema = z.object({
  out_bill_no: z.string().min(1).max(32),
  transfer_bill_no: z.string().optional(),
  state: z.enum(["ACCEPTED", "PROCESSING", "WAIT_USER_CONFIRM", "TRANSFERING", "SUCCESS", "FAIL", "CANCELING", "CANCELLED"]),
  // One SDK doc says mchid (wecom-reference §9.3): either is accepted.
  mch_id: z.string().optional(),
  mchid: z.string().optional(),
  fail_reason: z.string().optional(),
  create_time: z.string().optional(),
  update_time: z.string().optional(),
});

export type NotifiedBill = z.infer<typeof BillSchema>;

/** A verified, decrypted notification, or why it was refused (a word for the log, never its content). */
export type OpenedNotification = { ok: true; id: string; eventType: string; bill: NotifiedBill } | { ok: false; reason: "unsigned" | "stale" | "bad_signature" | "malformed" | "undecryptable" | "other_merchant" };

/**
 * Verify a notification over its raw body with WeChat Pay's key and our clock, then decrypt its
 * resource with the APIv3 key (wecom-reference §7.4, §9.3).
 *
 * @param input the request's headers (lower-case names), raw body, configuration and clock.
 * @returns the bill, or the reason it was refused.
 */
export function openNotification(input: { header: (name: string) => unknown; rawBody: string; config: WeChatPayConfig; now: Date }): OpenedNotification {
  const signed = signedHeadersOf(input.header);
  if (!signed) {
    return { ok: false, reason: "unsigned" };
  }
  if (!(Math.abs(Number(signed.timestamp) - input.now.getTime() / 1000) <= NOTIFY_WINDOW_SECONDS)) {
    return { ok: false, reason: "stale" };
  }
  if (!verifyWeChatPaySignature(signed, input.rawBody, input.config.platformKeys)) {
    return { ok: false, reason: "bad_signature" };
  }
  let envelope;
  try {
    envelope = EnvelopeSchema.parse(JSON.parse(input.rawBody));
  } catch {
    return { ok: false, reason: "malformed" };
  }
  let plain;
  try {
    plain = decryptResource(envelope.resource, input.config.apiV3Key);
  } catch {
    return { ok: false, reason: "undecryptable" };
  }
  const bill = BillSchema.safeParse(plain);
  if (!bill.success) {
    return { ok: false, reason: "malformed" };
  }
  if ((bill.data.mch_id ?? bill.data.mchid) !== input.config.mchId) {
    return { ok: false, reason: "other_merchant" };
  }
  return { ok: true, id: envelope.id, eventType: envelope.event_type, bill: bill.data };
}

/**
 * AES-256-GCM with the APIv3 key; the ciphertext's last 16 bytes are the tag (wecom-reference §7.4).
 * Not the library's decipher_gcm: it never calls final(), so a wrong tag would go unnoticed.
 *
 * @param resource the notification's resource.
 * @param apiV3Key the 32-byte key.
 * @returns the parsed plaintext.
 */
export function decryptResource(resource: { ciphertext: string; associated_data: string; nonce: string }, apiV3Key: string): unknown {
  const data = Buffer.from(resource.ciphertext, "base64");
  const decipher = crypto.createDecipheriv("aes-256-gcm", Buffer.from(apiV3Key), Buffer.from(resource.nonce));
  decipher.setAuthTag(data.subarray(data.length - 16));
  decipher.setAAD(Buffer.from(resource.associated_data));
  const plain = Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]).toString("utf8");
  return JSON.parse(plain) as unknown;
}

/**
 * Encrypt a resource as WeChat Pay does: for the sandbox's stand-in and tests.
 *
 * @param plain the JSON text.
 * @param apiV3Key the 32-byte key.
 * @param associatedData the AAD (`mch_payment` for transfers).
 * @returns the resource.
 */
export function encryptResource(plain: string, apiV3Key: string, associatedData: string): { algorithm: "AEAD_AES_256_GCM"; ciphertext: string; associated_data: string; nonce: string; original_type: string } {
  const nonce = crypto.randomBytes(6).toString("hex");
  const cipher = crypto.createCipheriv("aes-256-gcm", Buffer.from(apiV3Key), Buffer.from(nonce));
  cipher.setAAD(Buffer.from(associatedData));
  const data = Buffer.concat([cipher.update(plain, "utf8"), cipher.final(), cipher.getAuthTag()]);
  return { algorithm: "AEAD_AES_256_GCM", ciphertext: data.toString("base64"), associated_data: associatedData, nonce, original_type: "mch_payment" };
}
