// An employee texts the app "任务": the callback is stored as every callback is, and answered
// within WeCom's deadline with an encrypted passive reply listing their open tasks
// (wecom-reference §10.2). The reply is opened with WeCom's own library, @wecom/crypto.
import assert from "node:assert/strict";
import * as wecomCrypto from "@wecom/crypto";
import { XMLParser } from "fast-xml-parser";
import { Event } from "../../server/models/Event.ts";
import { aCustomerWithFollow, anEmployee } from "../support/factories.ts";
import { callbackXml, sealedDelivery } from "../support/callbacks.ts";
import { useTestServer } from "../support/server.ts";
import { SAMPLE } from "../support/wecomSecrets.ts";
import { aTask } from "./support.ts";

const NOW = new Date("2026-03-02T04:00:00Z");
const hours = (count: number) => new Date(NOW.getTime() + count * 3_600_000);
const parser = new XMLParser({ parseTagValue: false, processEntities: false });

const textToApp = (content: string, msgId: string) =>
  callbackXml({ ToUserName: SAMPLE.receiveId, FromUserName: "guideA", CreateTime: Math.floor(NOW.getTime() / 1000), MsgType: "text", Content: content, MsgId: msgId, AgentID: 1000002 });

describe("the app's passive reply to an employee's \"任务\" (POST /wecom/callback)", () => {
  const context = useTestServer({ now: () => NOW });

  async function send(xml: string): Promise<{ status: number; text: string; timestamp: string; nonce: string }> {
    const timestamp = String(Math.floor(NOW.getTime() / 1000));
    const { url, body } = sealedDelivery(context.server.url, xml, SAMPLE, { timestamp });
    const response = await fetch(url, { method: "POST", body, headers: { "content-type": "text/xml" } });
    return { status: response.status, text: await response.text(), timestamp, nonce: new URL(url).searchParams.get("nonce") ?? "" };
  }

  beforeEach(async () => {
    await anEmployee("guideA", { name: "导购小王", departmentIds: [101] });
    await aCustomerWithFollow("wmA", "guideA", { name: "王小姐" });
    await aCustomerWithFollow("wmC", "guideA", { name: "陈女士" });
    await aTask({ kind: "birthday", userId: "guideA", externalUserId: "wmA", dueAt: hours(10), title: "生日 3月2日" });
    await aTask({ kind: "silent", userId: "guideA", externalUserId: "wmC", dueAt: hours(-20), title: "90 天未购买" });
    await aTask({ kind: "greeting", userId: "guideA", externalUserId: "wmC", dueAt: hours(-30), state: "done", doneAt: hours(-31), result: "sent" });
    await aTask({ kind: "birthday", userId: "guideB", externalUserId: "wmB", dueAt: hours(10), title: "生日 3月2日" });
  });

  it("should answer with the encrypted, signed list of today's open tasks, which @wecom/crypto opens and verifies", async () => {
    const answer = await send(textToApp(" 任务 ", "7001"));
    assert.equal(answer.status, 200);
    const envelope = (parser.parse(answer.text) as { xml: { Encrypt: string; MsgSignature: string; TimeStamp: string; Nonce: string } }).xml;
    assert.equal(envelope.TimeStamp, answer.timestamp, "signed with the request's timestamp");
    assert.equal(envelope.Nonce, answer.nonce, "and its nonce");
    assert.equal(wecomCrypto.getSignature(SAMPLE.token, envelope.TimeStamp, envelope.Nonce, envelope.Encrypt), envelope.MsgSignature, "the signature verifies");
    const opened = wecomCrypto.decrypt(SAMPLE.aesKey, envelope.Encrypt);
    assert.equal(opened.id, SAMPLE.receiveId, "the receive id is the corp");
    const reply = (parser.parse(opened.message) as { xml: Record<string, string> }).xml;
    assert.equal(reply.ToUserName, "guideA");
    assert.equal(reply.FromUserName, SAMPLE.receiveId);
    assert.equal(reply.MsgType, "text");
    assert.equal(
      reply.Content,
      ["您有 2 项待办任务，其中逾期 1 项：生日关怀 1、沉默召回 1", "", "1. 陈女士：90 天未购买（已逾期）", "2. 王小姐：生日 3月2日", "", "在客户聊天的侧边栏打开「我的任务」即可逐个处理。"].join("\n"),
    );
    const stored = await Event.find({}).lean();
    assert.equal(stored.length, 1, "the message is stored as every callback is");
    assert.equal(stored[0]?.dedupeKey, "msg:7001");
  });

  it("should answer a retried delivery again, storing it once", async () => {
    const first = await send(textToApp("任务", "7002"));
    const retry = await send(textToApp("任务", "7002"));
    assert.notEqual(retry.text, "success");
    const open = (text: string) => wecomCrypto.decrypt(SAMPLE.aesKey, (parser.parse(text) as { xml: { Encrypt: string } }).xml.Encrypt).message;
    assert.equal(open(retry.text), open(first.text));
    assert.equal(await Event.countDocuments({}), 1);
  });

  it("should tell an employee with nothing open so", async () => {
    const xml = textToApp("任务", "7003").replace("guideA", "guideZ");
    const answer = await send(xml);
    const envelope = (parser.parse(answer.text) as { xml: { Encrypt: string } }).xml;
    const reply = (parser.parse(wecomCrypto.decrypt(SAMPLE.aesKey, envelope.Encrypt).message) as { xml: Record<string, string> }).xml;
    assert.equal(reply.ToUserName, "guideZ");
    assert.equal(reply.Content, "您目前没有待办任务。新的任务会在每天早上的任务提醒里告诉您。");
  });

  it("should answer any other text, and events, with the ordinary success", async () => {
    assert.equal((await send(textToApp("你好", "7004"))).text, "success");
    assert.equal((await send(textToApp("任务列表", "7005"))).text, "success");
    const event = callbackXml({ ToUserName: SAMPLE.receiveId, FromUserName: "guideA", CreateTime: 1_772_400_000, MsgType: "event", Event: "enter_agent", EventKey: "", AgentID: 1000002 });
    assert.equal((await send(event)).text, "success");
    assert.equal(await Event.countDocuments({}), 3);
  });
});
