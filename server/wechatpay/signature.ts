import crypto from "node:crypto";
import Pay from "wechatpay-node-v3";

/** The headers WeChat Pay signs its answers and notifications with (wecom-reference §7.1). */
export interface SignedHeaders {
  timestamp: string;
  nonce: string;
  signature: string;
  serial: string;
}

/** Signs our requests with the merchant key: the message and header of wecom-reference §7.1. */
export class RequestSigner {
  private readonly pay: Pay;

  /**
   * @param options the merchant id, the merchant certificate's serial and the private key (PEM).
   */
  constructor(private readonly options: { mchId: string; serialNo: string; privateKey: string }) {
    // The library wants the merchant certificate only to derive the serial, which we give; a
    // placeholder satisfies its presence check. The appid is not part of any signature.
    this.pay = new Pay({ appid: "", mchid: options.mchId, serial_no: options.serialNo, publicKey: Buffer.from("unused"), privateKey: Buffer.from(options.privateKey) });
  }

  /**
   * The Authorization header for one request.
   *
   * @param method GET or POST.
   * @param pathWithQuery the path as sent, without host.
   * @param body the exact JSON text sent, or "" for none.
   * @param timestamp seconds since the epoch.
   * @param nonce a fresh random string.
   * @returns `WECHATPAY2-SHA256-RSA2048 mchid="…",…`.
   */
  authorization(method: "GET" | "POST", pathWithQuery: string, body: string, timestamp: string, nonce: string): string {
    // The library's getSignature adds the empty body line only for GET, so a bodiless POST (cancel)
    // would be signed wrongly (wecom-reference §7.5): build that message ourselves.
    const signature = body === "" && method !== "GET" ? this.pay.sha256WithRsa(signingMessage(method, pathWithQuery, timestamp, nonce, "")) : this.pay.getSignature(method, nonce, timestamp, pathWithQuery, body === "" ? undefined : body);
    return this.pay.getAuthorization(nonce, timestamp, signature);
  }
}

/**
 * The five-line message WeChat Pay signs and verifies for requests.
 *
 * @param method the HTTP method.
 * @param pathWithQuery path and query, no host.
 * @param timestamp seconds.
 * @param nonce the nonce.
 * @param body the exact body, "" for none.
 * @returns the message.
 */
export function signingMessage(method: string, pathWithQuery: string, timestamp: string, nonce: string, body: string): string {
  return `${method}\n${pathWithQuery}\n${timestamp}\n${nonce}\n${body}\n`;
}

/**
 * Check a WeChat Pay signature over `TIMESTAMP\nNONCE\nRAW_BODY\n` with the key its serial names.
 * We verify with crypto ourselves: the library's verifySign knows only downloaded platform
 * certificates and re-serialises bodies (wecom-reference §7.5).
 *
 * @param headers the four Wechatpay-* headers.
 * @param rawBody the body exactly as received.
 * @param keys verification keys by serial.
 * @returns true when the signature is WeChat Pay's.
 */
export function verifyWeChatPaySignature(headers: SignedHeaders, rawBody: string, keys: ReadonlyMap<string, crypto.KeyObject>): boolean {
  const key = keys.get(headers.serial) ?? keys.get(headers.serial.toUpperCase());
  if (!key || headers.signature === "") {
    return false;
  }
  try {
    return crypto.verify("RSA-SHA256", Buffer.from(`${headers.timestamp}\n${headers.nonce}\n${rawBody}\n`), key, Buffer.from(headers.signature, "base64"));
  } catch {
    return false;
  }
}

/**
 * @param get reads one header (lower-case name).
 * @returns the Wechatpay-* headers, or null when one is missing.
 */
export function signedHeadersOf(get: (name: string) => unknown): SignedHeaders | null {
  const read = (name: string) => {
    const value = get(name);
    return typeof value === "string" && value !== "" ? value : null;
  };
  const timestamp = read("wechatpay-timestamp");
  const nonce = read("wechatpay-nonce");
  const signature = read("wechatpay-signature");
  const serial = read("wechatpay-serial");
  return timestamp && nonce && signature && serial ? { timestamp, nonce, signature, serial } : null;
}
