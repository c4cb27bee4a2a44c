import assert from "node:assert/strict";
import { AppError } from "../../server/errors.ts";
import { dedupeKeyOf, orderKeyOf, parseCallbackEvent, parseEnvelope } from "../../server/wecom/callbackEvent.ts";
import { withoutUnusedPersonalData } from "../../server/wecom/personalFields.ts";
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

  it("should return what it cannot use as ignored, naming the field, instead of refusing it", () => {
    const reasonOf = (xml: string) => {
      const event = parseCallbackEvent(xml);
      return event.type === "ignored" ? [event.storedType, event.reason] : [event.type, null];
    };
    assert.deepEqual(reasonOf(contactEventXml("add_external_contact", { UserID: "u1" })), [
      "change_external_contact",
      "ExternalUserID: Invalid input: expected string, received undefined",
    ]);
    assert.deepEqual(reasonOf(contactEventXml("bogus_change", { UserID: "u1", ExternalUserID: "wm1" })), [
      "change_external_contact",
      "ChangeType: is not one we handle",
    ]);
    assert.deepEqual(reasonOf(contactEventXml("add_external_contact", { UserID: "u1", ExternalUserID: "wm".repeat(65) })), [
      "change_external_contact",
      "ExternalUserID: is longer than 128 characters",
    ]);
    assert.deepEqual(reasonOf(callbackXml({ ToUserName: "wx1", FromUserName: "sys", CreateTime: 1, MsgType: "event", Event: "constructor" })), ["other", null]);
    assert.match(String(reasonOf("<xml><ToUserName>")[1]), /^message: not well-formed XML/);
  });

  it("should keep only a short header of an ignored message, and key its retries by the message", () => {
    const xml = contactEventXml("some_new_type", { UserID: "u1", ExternalUserID: "wmX1", CreateTime: 1_700_000_001 });
    const event = parseCallbackEvent(xml);
    assert.equal(event.type, "ignored");
    assert.deepEqual(event.payload, {
      ToUserName: "wx5823bf96d3bd56c7",
      FromUserName: "sys",
      CreateTime: 1_700_000_001,
      MsgType: "event",
      Event: "change_external_contact",
      ChangeType: "some_new_type",
    });
    assert.equal(orderKeyOf(event), "ignored");
    assert.equal(dedupeKeyOf(parseCallbackEvent(xml)), dedupeKeyOf(event));
    const other = contactEventXml("some_new_type", { UserID: "u1", ExternalUserID: "wmX2", CreateTime: 1_700_000_001 });
    assert.notEqual(dedupeKeyOf(parseCallbackEvent(other)), dedupeKeyOf(event));
    const overlong = parseCallbackEvent(callbackXml({ ToUserName: "wx1", FromUserName: "f".repeat(129), CreateTime: 1, MsgType: "text" }));
    assert.deepEqual(overlong.payload, { ToUserName: "wx1", CreateTime: 1, MsgType: "text" });
  });

  it("should read Encrypt from the envelope and refuse an envelope without it", () => {
    assert.equal(parseEnvelope("<xml><ToUserName><![CDATA[wx1]]></ToUserName><Encrypt><![CDATA[abc+/=]]></Encrypt></xml>"), "abc+/=");
    assert.throws(() => parseEnvelope("<xml><ToUserName>wx1</ToUserName></xml>"), refused(/^body: Encrypt: /));
    assert.throws(() => parseEnvelope("not xml at all <"), refused(/^body: /));
  });

  describe("personal data we do not use", () => {
    it("should cut employees' mobiles, emails, phones, addresses, gender and extra attributes, keeping the rest byte for byte", () => {
      const xml = [
        "<xml><ToUserName><![CDATA[wx1]]></ToUserName>",
        "<UserID><![CDATA[zhangsan]]></UserID><Name><![CDATA[张三]]></Name>",
        "<Mobile><![CDATA[13800000000]]></Mobile><Email><![CDATA[zs@example.com]]></Email>",
        "<BizMail><![CDATA[zs@corp.example]]></BizMail><Telephone>021-12345678</Telephone><Gender>1</Gender>",
        "<Address><![CDATA[南京西路 1 号 </Address> 3 楼]]></Address><Mobile/>",
        "<ExtAttr><Item><Name><![CDATA[身份证]]></Name><Type>0</Type><Text><Value><![CDATA[310101199001011234]]></Value></Text></Item></ExtAttr>",
        "<Avatar><![CDATA[http://wework.qpic.cn/a/0]]></Avatar></xml>",
      ].join("\n");
      assert.equal(
        withoutUnusedPersonalData(xml),
        [
          "<xml><ToUserName><![CDATA[wx1]]></ToUserName>",
          "<UserID><![CDATA[zhangsan]]></UserID><Name><![CDATA[张三]]></Name>",
          "",
          "",
          "",
          "",
          "<Avatar><![CDATA[http://wework.qpic.cn/a/0]]></Avatar></xml>",
        ].join("\n"),
      );
    });

    it("should not cut what only looks like those tags inside a value", () => {
      const xml = "<xml><MsgType>text</MsgType><Content><![CDATA[我的 <Mobile> 换了]]></Content></xml>";
      assert.equal(withoutUnusedPersonalData(xml), xml);
    });

    it("should keep nothing after an unclosed personal element", () => {
      assert.equal(withoutUnusedPersonalData("<xml><UserID>u1</UserID><Mobile>13800000000"), "<xml><UserID>u1</UserID>");
    });
  });
});
