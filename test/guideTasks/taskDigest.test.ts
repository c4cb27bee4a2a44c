import assert from "node:assert/strict";
import type { Db } from "mongodb";
import mongoose from "mongoose";
import nock from "nock";
import { startScheduler } from "../../server/jobs/scheduler.ts";
import { TaskDigest } from "../../server/models/TaskDigest.ts";
import { aRegionWithStores } from "../campaigns/directory.ts";
import { resetDatabase } from "../support/hooks.ts";
import { testWeComClient } from "../support/server.ts";
import { AGENT_ACCESS_TOKEN, nockAgentToken } from "../support/wecomNock.ts";
import { AGENT_ID, WECOM_BASE } from "../support/wecomSecrets.ts";
import { aTask } from "./support.ts";

// 08:30 China time on 2026-03-02.
const MORNING = new Date("2026-03-02T00:30:00Z");
const hours = (count: number) => new Date(MORNING.getTime() + count * 3_600_000);

interface SentCard {
  touser: string;
  msgtype: string;
  agentid: number;
  enable_duplicate_check?: number;
  textcard: { title: string; description: string; url: string; btntxt: string };
}

describe("the morning task digest (SendTaskDigestJob, 08:30 China time)", () => {
  let sent: SentCard[];

  async function runAt(now: Date, context: { agentId?: string } = { agentId: AGENT_ID }): Promise<void> {
    const scheduler = await startScheduler(mongoose.connection.db as Db, { wecom: testWeComClient(), now: () => now, publicUrl: "https://scrm.example.com/", ...context }, { processEvery: 100 });
    try {
      await scheduler.runNow("SendTaskDigestJob");
    } finally {
      await scheduler.stop();
    }
  }

  function answerSends(reply: (card: SentCard) => [number, Record<string, unknown>]): void {
    nockAgentToken();
    nock(WECOM_BASE)
      .post("/cgi-bin/message/send", (body: SentCard) => {
        sent.push(body);
        return true;
      })
      .query({ access_token: AGENT_ACCESS_TOKEN })
      .reply((_uri, body) => reply(body as SentCard))
      .persist();
  }

  beforeEach(async () => {
    await resetDatabase();
    sent = [];
    await aRegionWithStores([
      ["guideA", "导购小王", 101],
      ["guideB", "导购小李", 101],
      ["guideC", "导购小张", 102],
    ]);
    // guideA: two birthdays today, one silent member overdue since yesterday, one done yesterday.
    await aTask({ kind: "birthday", userId: "guideA", externalUserId: "wm1", dueAt: hours(12) });
    await aTask({ kind: "birthday", userId: "guideA", externalUserId: "wm2", dueAt: hours(12) });
    await aTask({ kind: "silent", userId: "guideA", externalUserId: "wm3", dueAt: hours(-10) });
    await aTask({ kind: "greeting", userId: "guideA", externalUserId: "wm4", dueAt: hours(-20), state: "done", doneAt: hours(-21), result: "sent" });
    // guideB: one benefit expiring; guideC: only a closed task (no digest).
    await aTask({ kind: "benefitExpiring", userId: "guideB", externalUserId: "wm5", dueAt: hours(30) });
    await aTask({ kind: "repurchaseDue", userId: "guideC", externalUserId: "wm6", dueAt: hours(5), state: "closed", closedReason: "已复购" });
  });

  it("should send each guide with open tasks one textcard with their counts by kind and the task list's link and WeCom's duplicate check", async () => {
    answerSends(() => [200, { errcode: 0, errmsg: "ok", invaliduser: "" }]);
    await runAt(MORNING);
    assert.deepEqual(sent.map((card) => card.touser).sort(), ["guideA", "guideB"]);
    const toA = sent.find((card) => card.touser === "guideA");
    assert.equal(toA?.msgtype, "textcard");
    assert.equal(toA?.agentid, Number(AGENT_ID));
    assert.equal(toA?.enable_duplicate_check, 1);
    assert.equal(toA?.textcard.title, "今日任务：3 项待办");
    assert.equal(toA?.textcard.description, "生日关怀 2、沉默召回 1\n其中 1 项已逾期，请优先处理\n打开任务列表，逐个联系客户");
    assert.equal(toA?.textcard.url, "https://scrm.example.com/sidebar/tasks");
    assert.equal(toA?.textcard.btntxt, "去处理");
    assert.equal(sent.find((card) => card.touser === "guideB")?.textcard.description, "权益即将过期 1\n打开任务列表，逐个联系客户");
    assert.deepEqual((await TaskDigest.find({}).sort({ _id: 1 }).lean()).map((digest) => [digest._id, digest.state, digest.open]), [
      ["guideA:2026-03-02", "sent", 3],
      ["guideB:2026-03-02", "sent", 1],
    ]);
  });

  it("should send once per guide per day however often it runs, and again the next day", async () => {
    answerSends(() => [200, { errcode: 0, errmsg: "ok", invaliduser: "" }]);
    await runAt(MORNING);
    await runAt(new Date(MORNING.getTime() + 15 * 60_000));
    assert.equal(sent.length, 2);
    await runAt(hours(24));
    assert.equal(sent.length, 4);
    assert.equal(await TaskDigest.countDocuments({ state: "sent" }), 4);
  });

  it("should send the guides a failed call missed on the next run, and not again to a guide WeCom does not know", async () => {
    let failing = true;
    answerSends((card) => {
      if (card.touser === "guideB") {
        return [200, { errcode: 81013, errmsg: "user & party & tag all invalid" }];
      }
      return failing ? [200, { errcode: -1, errmsg: "system busy" }] : [200, { errcode: 0, errmsg: "ok", invaliduser: "" }];
    });
    await runAt(MORNING);
    assert.equal(await TaskDigest.countDocuments({ _id: "guideA:2026-03-02" }), 0, "the failed claim is released");
    assert.equal((await TaskDigest.findById("guideB:2026-03-02").lean())?.state, "invalid");
    failing = false;
    const before = sent.length;
    await runAt(new Date(MORNING.getTime() + 15 * 60_000));
    assert.deepEqual(sent.slice(before).map((card) => card.touser), ["guideA"]);
    assert.equal((await TaskDigest.findById("guideA:2026-03-02").lean())?.state, "sent");
  });

  it("should take over a claim a dead process left, once it is stale", async () => {
    answerSends(() => [200, { errcode: 0, errmsg: "ok", invaliduser: "" }]);
    await TaskDigest.create({ _id: "guideA:2026-03-02", userId: "guideA", day: "2026-03-02", state: "sending", claimedAt: new Date(MORNING.getTime() - 60_000), open: 3 });
    await runAt(MORNING);
    assert.deepEqual(sent.map((card) => card.touser), ["guideB"], "a fresh claim belongs to the process holding it");
    await runAt(new Date(MORNING.getTime() + 15 * 60_000));
    assert.deepEqual(sent.map((card) => card.touser), ["guideB", "guideA"]);
  });

  it("should send nothing when no self-built app is configured", async () => {
    answerSends(() => [200, { errcode: 0, errmsg: "ok", invaliduser: "" }]);
    await runAt(MORNING, { agentId: undefined });
    assert.equal(sent.length, 0);
    assert.equal(await TaskDigest.countDocuments({}), 0);
  });
});
