import assert from "node:assert/strict";
import { AppError } from "../../server/errors.ts";
import { dedupeKeyOf, orderKeyOf, parseCallbackEvent, parseEnvelope } from "../../server/wecom/callbackEvent.ts";
import { callbackXml, chatEventXml, contactEventXml } from "../support/callbacks.ts";

const refused = (pattern: RegExp) => (error: unknown) => error instanceof AppError && pattern.test(error.message);

describe("callback event parsing", () => {
  it("should parse an add_external_contact event with its state and welcome code", () => {
    const event = parseCallbackEvent(
      contactEventXml("add_external_contact", {
        UserID: "zhangsan",
        ExternalUserID: "wmAAAAbbbbCCCC",
        State: "store_001",
        WelcomeCode: "WELCOME",
        CreateTime: 1_700_000_123,
      }),
    );
    assert.equal(event.type, "change_external_contact");
    assert.deepEqual(
      { ...event.payload },
      {
        ToUserName: "wx5823bf96d3bd56c7",
        FromUserName: "sys",
        CreateTime: 1_700_000_123,
        MsgType: "event",
        Event: "change_external_contact",
        ChangeType: "add_external_contact",
        UserID: "zhangsan",
        ExternalUserID: "wmAAAAbbbbCCCC",
        State: "store_001",
        WelcomeCode: "WELCOME",
      },
    );
    assert.equal(orderKeyOf(event), "customer:wmAAAAbbbbCCCC");
  });

  it("should accept MemChangeList as <Item> elements and as a comma-joined string", () => {
    const items = parseCallbackEvent(
      chatEventXml("update", { ChatId: "wrOgAAA", UpdateDetail: "add_member", JoinScene: 3, MemChangeList: ["wmA1", "wmB2"] }),
    );
    const joined = parseCallbackEvent(
      chatEventXml("update", { ChatId: "wrOgAAA", UpdateDetail: "add_member", JoinScene: 3, MemChangeList: "wmA1,wmB2" }),
    );
    assert.equal(items.type, "change_external_chat");
    assert.equal(joined.type, "change_external_chat");
    if (items.type === "change_external_chat" && joined.type === "change_external_chat") {
      assert.deepEqual(items.payload.MemChangeList, ["wmA1", "wmB2"]);
      assert.deepEqual(joined.payload.MemChangeList, ["wmA1", "wmB2"]);
      assert.equal(items.payload.JoinScene, 3);
    }
  });

  it("should keep 19-digit MsgIds exact and key messages by MsgId", () => {
    const event = parseCallbackEvent(
      callbackXml({ ToUserName: "wx1", FromUserName: "lisi", CreateTime: 1, MsgType: "text", Content: "你好", MsgId: "4561255354251345929" }),
    );
    assert.equal(event.type, "other");
    assert.equal(dedupeKeyOf(event), "msg:4561255354251345929");
  });

  it("should give two member changes in the same second different keys, and a retry the same key", () => {
    const first = contactEventXml("add_external_contact", { UserID: "u1", ExternalUserID: "wmX1" });
    const second = contactEventXml("add_external_contact", { UserID: "u1", ExternalUserID: "wmX2" });
    const reformatted = first.replaceAll("\n", "");
    assert.notEqual(dedupeKeyOf(parseCallbackEvent(first)), dedupeKeyOf(parseCallbackEvent(second)));
    assert.equal(dedupeKeyOf(parseCallbackEvent(first)), dedupeKeyOf(parseCallbackEvent(reformatted)));
  });

  it("should name the missing field of a malformed event", () => {
    assert.throws(
      () => parseCallbackEvent(contactEventXml("add_external_contact", { UserID: "u1" })),
      refused(/^message: ExternalUserID: /),
    );
    assert.throws(() => parseCallbackEvent(contactEventXml("bogus_change", { UserID: "u1", ExternalUserID: "wm1" })), refused(/ChangeType/));
    assert.throws(() => parseCallbackEvent("<xml><ToUserName>"), refused(/not well-formed XML/));
  });

  it("should read Encrypt from the envelope and refuse an envelope without it", () => {
    assert.equal(parseEnvelope("<xml><ToUserName><![CDATA[wx1]]></ToUserName><Encrypt><![CDATA[abc+/=]]></Encrypt></xml>"), "abc+/=");
    assert.throws(() => parseEnvelope("<xml><ToUserName>wx1</ToUserName></xml>"), refused(/^body: Encrypt: /));
    assert.throws(() => parseEnvelope("not xml at all <"), refused(/^body: /));
  });
});
