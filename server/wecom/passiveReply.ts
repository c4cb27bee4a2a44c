// A passive reply to a member's message to the app (wecom-reference §10.2): the answer rides in
// the callback's own HTTP response, encrypted and signed like a delivery (§1.2, §1.5).
import { sealMessage, type CallbackSecrets } from "./callbackCrypto.ts";

// "]]>" would end the CDATA section early: split it across two sections.
const cdata = (text: string) => `<![CDATA[${text.replaceAll("]]>", "]]]]><![CDATA[>")}]]>`;

/**
 * The response body of a passive text reply.
 *
 * @param secrets the callback token, AES key and corp id (the reply's sender and receive id).
 * @param reply who it goes to (the message's FromUserName), the text (≤2048 bytes), and the
 *   request's timestamp and nonce, which the official samples sign the reply with.
 * @returns `<xml><Encrypt/><MsgSignature/><TimeStamp/><Nonce/></xml>`.
 */
export function sealedTextReply(secrets: CallbackSecrets, reply: { toUser: string; content: string; timestamp: string; nonce: string }): string {
  const inner = [
    "<xml>",
    `<ToUserName>${cdata(reply.toUser)}</ToUserName>`,
    `<FromUserName>${cdata(secrets.receiveId)}</FromUserName>`,
    `<CreateTime>${reply.timestamp}</CreateTime>`,
    `<MsgType>${cdata("text")}</MsgType>`,
    `<Content>${cdata(reply.content)}</Content>`,
    "</xml>",
  ].join("");
  const sealed = sealMessage(secrets, inner, { timestamp: reply.timestamp, nonce: reply.nonce });
  return `<xml><Encrypt>${cdata(sealed.encrypted)}</Encrypt><MsgSignature>${cdata(sealed.signature)}</MsgSignature><TimeStamp>${sealed.timestamp}</TimeStamp><Nonce>${cdata(sealed.nonce)}</Nonce></xml>`;
}
