import { sealMessage, type CallbackSecrets } from "../../server/wecom/callbackCrypto.ts";
import { SAMPLE } from "./wecomSecrets.ts";

type Fields = Record<string, string | number | string[] | undefined>;

/**
 * Build a callback message the way WeCom writes it: strings in CDATA, integers bare.
 *
 * @param fields element names and values; arrays become <Item> lists.
 * @returns the XML text.
 */
export function callbackXml(fields: Fields): string {
  const parts = Object.entries(fields).flatMap(([name, value]) => {
    if (value === undefined) {
      return [];
    }
    if (Array.isArray(value)) {
      return [`<${name}>${value.map((item) => `<Item><![CDATA[${item}]]></Item>`).join("")}</${name}>`];
    }
    return [typeof value === "number" ? `<${name}>${value}</${name}>` : `<${name}><![CDATA[${value}]]></${name}>`];
  });
  return `<xml>${parts.join("\n")}</xml>`;
}

/**
 * A change_external_contact event as WeCom sends it.
 *
 * @param changeType the ChangeType.
 * @param fields UserID, ExternalUserID, State, CreateTime and the rest.
 * @returns the XML text.
 */
export function contactEventXml(changeType: string, fields: Fields & { CreateTime?: number }): string {
  return callbackXml({
    ToUserName: SAMPLE.receiveId,
    FromUserName: "sys",
    CreateTime: fields.CreateTime ?? 1_700_000_000,
    MsgType: "event",
    Event: "change_external_contact",
    ChangeType: changeType,
    ...fields,
  });
}

/**
 * A change_external_chat event.
 *
 * @param changeType create, update or dismiss.
 * @param fields ChatId, UpdateDetail, MemChangeList and the rest.
 * @returns the XML text.
 */
export function chatEventXml(changeType: string, fields: Fields & { CreateTime?: number }): string {
  return callbackXml({
    ToUserName: SAMPLE.receiveId,
    FromUserName: "sys",
    CreateTime: fields.CreateTime ?? 1_700_000_000,
    MsgType: "event",
    Event: "change_external_chat",
    ChangeType: changeType,
    ...fields,
  });
}

/**
 * Seal a message and build the POST WeCom would make.
 *
 * @param baseUrl where the server listens.
 * @param xml the plaintext message.
 * @param secrets the callback secrets (the official sample by default).
 * @param options the delivery timestamp (unix seconds as text; the real clock by default).
 * @returns the URL and body to POST.
 */
export function sealedDelivery(
  baseUrl: string,
  xml: string,
  secrets: CallbackSecrets = SAMPLE,
  options: { timestamp?: string } = {},
): { url: string; body: string } {
  const sealed = sealMessage(secrets, xml, options);
  const query = new URLSearchParams({
    msg_signature: sealed.signature,
    timestamp: sealed.timestamp,
    nonce: sealed.nonce,
  });
  return {
    url: `${baseUrl}/wecom/callback?${query}`,
    body: `<xml><ToUserName><![CDATA[${secrets.receiveId}]]></ToUserName><Encrypt><![CDATA[${sealed.encrypted}]]></Encrypt><AgentID><![CDATA[1000002]]></AgentID></xml>`,
  };
}

/**
 * POST a sealed message to the server as WeCom would.
 *
 * @param baseUrl where the server listens.
 * @param xml the plaintext message.
 * @param options the delivery timestamp (the real clock by default).
 * @returns the HTTP status and body text.
 */
export async function deliver(baseUrl: string, xml: string, options: { timestamp?: string } = {}): Promise<{ status: number; text: string }> {
  const { url, body } = sealedDelivery(baseUrl, xml, SAMPLE, options);
  const response = await fetch(url, { method: "POST", body, headers: { "content-type": "text/xml" } });
  return { status: response.status, text: await response.text() };
}
