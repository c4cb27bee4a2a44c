import crypto from "node:crypto";
import * as wecomCrypto from "@wecom/crypto";
import { CallbackRejectedError } from "../errors.ts";

/** What WeCom's admin console holds for the callback URL. */
export interface CallbackSecrets {
  token: string;
  aesKey: string;
  /** The corp id: every decrypted message must end with it (wecom-reference §1.5). */
  receiveId: string;
}

/** The signed, encrypted part of a delivery. */
export interface SealedMessage {
  signature: string;
  timestamp: string;
  nonce: string;
  encrypted: string;
}

/**
 * Verify a delivery's signature and decrypt it.
 *
 * @param secrets the callback token, AES key and expected receive id.
 * @param sealed signature, timestamp, nonce and ciphertext from the request.
 * @returns the decrypted message (XML for events, the echo string for URL checks).
 * @throws AppError 400 naming what was wrong; nothing about the secrets leaks into it.
 */
export function openSealedMessage(secrets: CallbackSecrets, sealed: SealedMessage): string {
  const expected = wecomCrypto.getSignature(secrets.token, sealed.timestamp, sealed.nonce, sealed.encrypted);
  if (!constantTimeEqualHex(expected, sealed.signature)) {
    throw CallbackRejectedError("msg_signature: does not match");
  }
  let opened: { message: string; id: string };
  try {
    opened = decryptStrict(secrets.aesKey, sealed.encrypted);
  } catch {
    throw CallbackRejectedError("encrypt: cannot be decrypted");
  }
  if (opened.id !== secrets.receiveId) {
    throw CallbackRejectedError("encrypt: receive id does not match this corp");
  }
  return opened.message;
}

/**
 * Encrypt and sign a message the way WeCom does: used by the sandbox, the tests and the bench.
 *
 * @param secrets token, AES key and the receive id to append.
 * @param message plaintext message.
 * @param options fixed timestamp, nonce or random bytes (for reproducible vectors).
 * @returns the sealed message ready to put on the wire.
 */
export function sealMessage(
  secrets: CallbackSecrets,
  message: string,
  options: { timestamp?: string; nonce?: string; random?: Buffer } = {},
): SealedMessage {
  const timestamp = options.timestamp ?? String(Math.floor(Date.now() / 1000));
  const nonce = options.nonce ?? String(crypto.randomInt(1e9, 1e10));
  const encrypted = wecomCrypto.encrypt(secrets.aesKey, message, secrets.receiveId, options.random);
  const signature = wecomCrypto.getSignature(secrets.token, timestamp, nonce, encrypted);
  return { signature, timestamp, nonce, encrypted };
}

// @wecom/crypto trusts the length field; a forged or truncated ciphertext would slice garbage
// instead of failing, so check the frame before handing it over.
function decryptStrict(aesKey: string, encrypted: string): { message: string; id: string } {
  const bytes = Buffer.from(encrypted, "base64");
  if (bytes.length === 0 || bytes.length % 32 !== 0) {
    throw new Error("ciphertext length is not a multiple of the block size");
  }
  const opened = wecomCrypto.decrypt(aesKey, encrypted);
  const frameLength = Buffer.byteLength(opened.message) + Buffer.byteLength(opened.id) + 20;
  if (opened.id.length === 0 || frameLength > bytes.length) {
    throw new Error("bad frame");
  }
  return { message: opened.message, id: opened.id };
}

function constantTimeEqualHex(expected: string, actual: string): boolean {
  const a = Buffer.from(expected, "utf8");
  const b = Buffer.from(actual.toLowerCase(), "utf8");
  if (a.length !== b.length) {
    return false;
  }
  return crypto.timingSafeEqual(a, b);
}
