// The messages of bench:callbacks: one decrypted add_external_contact per customer, so both the
// servers under load and the database ceiling (bench/dbCeiling.ts) see the same text.
import type { CallbackSecrets } from "../server/wecom/callbackCrypto.ts";

export const benchSecrets: CallbackSecrets = {
  token: "BenchToken01",
  aesKey: "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C",
  receiveId: "wwBenchCorp0001",
};

/**
 * The customer a message is about; distinct per prefix and index, so every delivery is new.
 *
 * @param prefix separates pools (warm-up, measured, baseline).
 * @param index position in the pool.
 * @returns the external_userid.
 */
export function benchCustomer(prefix: string, index: number): string {
  return `wm${prefix}${String(index).padStart(10, "0")}`;
}

/**
 * The decrypted message WeCom would send when that customer adds a guide.
 *
 * @param prefix separates pools.
 * @param index position in the pool.
 * @returns the XML.
 */
export function benchMessageXml(prefix: string, index: number): string {
  return (
    `<xml><ToUserName><![CDATA[${benchSecrets.receiveId}]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName>` +
    `<CreateTime>${1_700_000_000 + index}</CreateTime><MsgType><![CDATA[event]]></MsgType>` +
    `<Event><![CDATA[change_external_contact]]></Event><ChangeType><![CDATA[add_external_contact]]></ChangeType>` +
    `<UserID><![CDATA[guide_${index % 50}]]></UserID><ExternalUserID><![CDATA[${benchCustomer(prefix, index)}]]></ExternalUserID>` +
    `<State><![CDATA[store_${index % 20}]]></State><WelcomeCode><![CDATA[WELCOME${index}]]></WelcomeCode></xml>`
  );
}
