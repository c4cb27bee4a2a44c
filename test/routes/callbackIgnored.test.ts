import assert from "node:assert/strict";
import nock from "nock";
import { Customer } from "../../server/models/Customer.ts";
import { Event } from "../../server/models/Event.ts";
import { EventLane } from "../../server/models/EventLane.ts";
import { Follow } from "../../server/models/Follow.ts";
import { callbackXml, chatEventXml, contactEventXml, deliver } from "../support/callbacks.ts";
import { testProcessor, useTestServer } from "../support/server.ts";
import { SAMPLE } from "../support/wecomSecrets.ts";

const header = (event: string, changeType: string) => ({
  ToUserName: SAMPLE.receiveId,
  FromUserName: "sys",
  CreateTime: 1_700_000_000,
  MsgType: "event",
  Event: event,
  ChangeType: changeType,
});

// Authentic deliveries are never refused: what we cannot use is kept, marked ignored, and left alone.
describe("POST /wecom/callback: authentic deliveries we do not act on", () => {
  const context = useTestServer();

  const deliverAndDrain = async (xml: string) => {
    const answer = await deliver(context.server.url, xml);
    // No nock scope is set up: any call to WeCom fails the processing and would show as failed.
    await testProcessor().drain();
    return answer;
  };

  const unknownChanges = [
    contactEventXml("some_new_type", { UserID: "zhangsan", ExternalUserID: "wmCustomer0001" }),
    chatEventXml("some_new_type", { ChatId: "wrGroup0001" }),
    callbackXml({ ...header("change_external_tag", "some_new_type"), Id: "etTag0001" }),
    callbackXml({ ...header("change_contact", "some_new_type"), UserID: "zhangsan" }),
  ];
  for (const xml of unknownChanges) {
    const event = /<Event><!\[CDATA\[(\w+)]]>/.exec(xml)?.[1] ?? "";
    it(`should store ${event} with an unknown ChangeType as ignored and answer success`, async () => {
      const answer = await deliverAndDrain(xml);
      assert.deepEqual(answer, { status: 200, text: "success" });
      const stored = await Event.find().lean();
      assert.equal(stored.length, 1);
      assert.deepEqual(
        [stored[0]?.type, stored[0]?.changeType, stored[0]?.status, stored[0]?.attempts],
        [event, "some_new_type", "ignored", 0],
      );
      assert.match(String(stored[0]?.ignoredReason), /^ChangeType: /);
      assert.equal(await EventLane.countDocuments(), 0, "an ignored event is queued on no lane");
    });
  }

  it("should store a retried ignored delivery once", async () => {
    const xml = contactEventXml("some_new_type", { UserID: "zhangsan", ExternalUserID: "wmCustomer0001" });
    const answers = await Promise.all([deliver(context.server.url, xml), deliver(context.server.url, xml)]);
    assert.deepEqual(answers.map((answer) => answer.status), [200, 200]);
    assert.equal(await Event.countDocuments(), 1);
  });

  it("should keep an event with an absurd ExternalUserID as ignored, never as a customer, follow or lane", async () => {
    const absurd = `wm${"x".repeat(100_000)}`;
    const answer = await deliverAndDrain(contactEventXml("add_external_contact", { UserID: "zhangsan", ExternalUserID: absurd }));
    assert.deepEqual(answer, { status: 200, text: "success" });
    const stored = await Event.findOne().lean();
    assert.deepEqual([stored?.type, stored?.changeType, stored?.status], ["change_external_contact", "add_external_contact", "ignored"]);
    assert.equal(stored?.ignoredReason, "ExternalUserID: is longer than 128 characters");
    assert.ok(!JSON.stringify(stored?.payload).includes("xxxxxxxxxx"), "the payload keeps no absurd value");
    assert.ok(stored && stored.orderKey.length < 64);
    assert.equal(await EventLane.countDocuments(), 0);
    assert.equal(await Customer.countDocuments(), 0);
    assert.equal(await Follow.countDocuments(), 0);
    assert.ok(nock.isDone());
  });

  for (const [field, xml] of [
    ["UserID", contactEventXml("del_follow_user", { UserID: "u".repeat(129), ExternalUserID: "wmCustomer0001" })],
    ["ChatId", chatEventXml("dismiss", { ChatId: "wr".repeat(100) })],
    ["MemChangeList", chatEventXml("update", { ChatId: "wrGroup0001", UpdateDetail: "add_member", MemChangeList: ["wmA", "wm".repeat(100)] })],
    ["Id", callbackXml({ ...header("change_external_tag", "create"), Id: "et".repeat(100), TagType: "tag" })],
    ["NewUserID", callbackXml({ ...header("change_contact", "update_user"), UserID: "zhangsan", NewUserID: "n".repeat(200) })],
    ["FromUserName", callbackXml({ ToUserName: SAMPLE.receiveId, FromUserName: "f".repeat(200), CreateTime: 1, MsgType: "text", Content: "在吗" })],
  ] as const) {
    it(`should keep an event with an overlong ${field} as ignored`, async () => {
      assert.equal((await deliverAndDrain(xml)).status, 200);
      const stored = await Event.findOne().lean();
      assert.equal(stored?.status, "ignored");
      assert.match(String(stored?.ignoredReason), new RegExp(`^${field}(\\.\\d+)?: is longer than 128 characters$`));
      assert.equal(await EventLane.countDocuments(), 0);
    });
  }

  it("should accept ids of WeCom's real lengths", async () => {
    // userid up to 64 bytes; external_userid, chat_id and tag ids are around 32 characters.
    const userId = "u".repeat(64);
    const externalUserId = `wm${"A".repeat(30)}`;
    await deliver(context.server.url, contactEventXml("del_follow_user", { UserID: userId, ExternalUserID: externalUserId }));
    const stored = await Event.findOne().lean();
    assert.deepEqual([stored?.status, stored?.orderKey], ["pending", `customer:${externalUserId}`]);
  });

  it("should keep an authentic message that is not a valid event as ignored, naming the field", async () => {
    const answer = await deliverAndDrain(contactEventXml("add_external_contact", { UserID: "zhangsan" }));
    assert.deepEqual(answer, { status: 200, text: "success" });
    const stored = await Event.findOne().lean();
    assert.equal(stored?.status, "ignored");
    assert.match(String(stored?.ignoredReason), /^ExternalUserID: /);
  });

  it("should keep an authentic message that is not XML as ignored", async () => {
    const answer = await deliverAndDrain("<xml><ToUserName>");
    assert.deepEqual(answer, { status: 200, text: "success" });
    const stored = await Event.findOne().lean();
    assert.deepEqual([stored?.type, stored?.status, stored?.raw], ["other", "ignored", "<xml><ToUserName>"]);
    assert.match(String(stored?.ignoredReason), /^message: not well-formed XML/);
  });
});
