import assert from "node:assert/strict";
import { getSignature } from "@wecom/crypto";
import { AppError } from "../../server/errors.ts";
import { openSealedMessage, sealMessage } from "../../server/wecom/callbackCrypto.ts";
import { SAMPLE } from "../support/wecomSecrets.ts";

// Official sample vectors (wecom-reference §1.7).
const ECHO = "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==";
const ENC =
  "RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==";
const MESSAGE = [
  "<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName>",
  "<FromUserName><![CDATA[mycreate]]></FromUserName>",
  "<CreateTime>1409659813</CreateTime>",
  "<MsgType><![CDATA[text]]></MsgType>",
  "<Content><![CDATA[hello]]></Content>",
  "<MsgId>4561255354251345929</MsgId>",
  "<AgentID>218</AgentID>",
  "</xml>",
].join("\n");

const rejection = (message: RegExp) => (error: unknown) =>
  error instanceof AppError && error.status === 400 && message.test(error.message);

describe("callback crypto", () => {
  it("should decrypt the official URL-verification vector", () => {
    const echo = openSealedMessage(SAMPLE, {
      signature: "5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3",
      timestamp: "1409659589",
      nonce: "263014780",
      encrypted: ECHO,
    });
    assert.equal(echo, "1616140317555161061");
  });

  it("should decrypt the official POST vector", () => {
    const message = openSealedMessage(SAMPLE, {
      signature: "477715d11cdb4164915debcba66cb864d751f3e6",
      timestamp: "1409659813",
      nonce: "1372623149",
      encrypted: ENC,
    });
    assert.equal(message, MESSAGE);
    assert.equal(Buffer.byteLength(message), 284);
  });

  it("should reproduce the official ciphertext and signature when sealing", () => {
    const sealed = sealMessage(SAMPLE, MESSAGE, {
      timestamp: "1409659813",
      nonce: "1372623149",
      random: Buffer.from("0960688932c47ef1", "ascii"),
    });
    assert.equal(sealed.encrypted, ENC);
    assert.equal(sealed.signature, "477715d11cdb4164915debcba66cb864d751f3e6");
  });

  it("should refuse a wrong signature", () => {
    assert.throws(
      () => openSealedMessage(SAMPLE, { signature: "0".repeat(40), timestamp: "1409659813", nonce: "1372623149", encrypted: ENC }),
      rejection(/^msg_signature: does not match$/),
    );
  });

  it("should refuse a message sealed for another corp", () => {
    const sealed = sealMessage({ ...SAMPLE, receiveId: "ww_other_corp" }, MESSAGE);
    assert.throws(() => openSealedMessage(SAMPLE, sealed), rejection(/receive id does not match/));
  });

  it("should refuse a correctly signed ciphertext that is not a WeCom frame", () => {
    const sealed = sealMessage({ ...SAMPLE, aesKey: "a".repeat(43) }, MESSAGE);
    assert.throws(() => openSealedMessage(SAMPLE, sealed), rejection(/cannot be decrypted|receive id/));
    const truncated = sealMessage(SAMPLE, MESSAGE);
    const bytes = Buffer.from(truncated.encrypted, "base64").subarray(0, 40).toString("base64");
    const signedTruncated = sealMessage(SAMPLE, "x", { timestamp: truncated.timestamp, nonce: truncated.nonce });
    // Re-sign the truncated ciphertext so only decryption can catch it.
    const resealed = { ...signedTruncated, encrypted: bytes };
    resealed.signature = sealSignature(resealed.timestamp, resealed.nonce, bytes);
    assert.throws(() => openSealedMessage(SAMPLE, resealed), rejection(/cannot be decrypted/));
  });
});

function sealSignature(timestamp: string, nonce: string, encrypted: string): string {
  return getSignature(SAMPLE.token, timestamp, nonce, encrypted);
}
