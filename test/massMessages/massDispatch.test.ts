import assert from "node:assert/strict";
import nock from "nock";
import massMessageDispatcher from "../../server/commands/massMessageDispatcher.ts";
import massMessagePlanner from "../../server/commands/massMessagePlanner.ts";
import massMessageRetrier from "../../server/commands/massMessageRetrier.ts";
import { CampaignGuide } from "../../server/models/CampaignGuide.ts";
import { MassMessage } from "../../server/models/MassMessage.ts";
import { MassMessageTask, massTaskId } from "../../server/models/MassMessageTask.ts";
import { resetDatabase } from "../support/hooks.ts";
import { testWeComClient } from "../support/server.ts";
import { nockToken, wecomApi } from "../support/wecomNock.ts";
import { aFollow, aScheduledMass, someMembers } from "./support.ts";

const NOW = new Date("2026-12-05T02:00:00Z");
const now = () => NOW;
const ADD = "/cgi-bin/externalcontact/add_msg_template";

describe("mass messages: planning and dispatch", () => {
  beforeEach(async () => {
    await resetDatabase();
    nockToken();
  });

  const task = (id: string, userId: string, chunk: number) => MassMessageTask.findById(massTaskId(id, userId, chunk)).lean();

  it("should split by guide, chunk at the given size and send a customer with two guides to the one the rule picks", async () => {
    await someMembers([1, 2, 3, 4, 5].map((n) => ({ externalUserIds: [`wm-a${n}`], guideUserIds: ["guide-a"] })));
    await someMembers([{ externalUserIds: ["wm-b1"], guideUserIds: ["guide-b"] }, { externalUserIds: ["wm-both"], guideUserIds: ["guide-a", "guide-b"] }, { externalUserIds: ["wm-none"], guideUserIds: [] }]);
    // guide-b added the customer first; guide-a touched the follow last.
    await aFollow("wm-both", "guide-a", new Date("2026-03-01"), new Date("2026-11-30"));
    await aFollow("wm-both", "guide-b", new Date("2026-01-01"), new Date("2026-02-01"));

    const lastContact = await aScheduledMass({ guideRule: "last_contact" });
    const plan = await massMessagePlanner({ massMessageId: lastContact, now: NOW, chunkSize: 2, bufferBound: 1 });
    assert.deepEqual(plan, { planned: 7, unreachable: 1, guides: 2, tasks: 4 });
    assert.deepEqual((await task(lastContact, "guide-a", 0))?.recipients, ["wm-a1", "wm-a2"]);
    assert.deepEqual((await task(lastContact, "guide-a", 2))?.recipients, ["wm-a5", "wm-both"]);
    assert.deepEqual((await task(lastContact, "guide-b", 0))?.recipients, ["wm-b1"]);
    const stored = await MassMessage.findById(lastContact).lean();
    assert.equal(stored?.status, "dispatching");
    assert.deepEqual(stored?.plan.map((entry) => [entry.userId, entry.chunks, entry.recipients]), [["guide-a", 3, 6], ["guide-b", 1, 1]]);
    assert.equal(await CampaignGuide.countDocuments({ campaignId: lastContact }), 2);

    const firstAdded = await aScheduledMass({ guideRule: "first_added" });
    await massMessagePlanner({ massMessageId: firstAdded, now: NOW, chunkSize: 2 });
    assert.deepEqual((await task(firstAdded, "guide-b", 0))?.recipients, ["wm-b1", "wm-both"]);
    assert.deepEqual((await task(firstAdded, "guide-a", 2))?.recipients, ["wm-a5"]);
  });

  it("should fail a campaign whose audience turned out empty, creating no task", async () => {
    const id = await aScheduledMass();
    const plan = await massMessagePlanner({ massMessageId: id, now: NOW });
    assert.equal(plan.tasks, 0);
    const stored = await MassMessage.findById(id).lean();
    assert.equal(stored?.status, "failed");
    assert.match(stored?.failReason ?? "", /受众为空/);
  });

  it("should create one WeCom task per guide chunk with the guide as sender, msgid stored", async () => {
    await someMembers([1, 2, 3].map((n) => ({ externalUserIds: [`wm-a${n}`], guideUserIds: ["guide-a"] })).concat([{ externalUserIds: ["wm-b1"], guideUserIds: ["guide-b"] }]));
    const id = await aScheduledMass();
    await massMessagePlanner({ massMessageId: id, now: NOW, chunkSize: 2 });
    const bodies: Record<string, unknown>[] = [];
    const scope = wecomApi().post(ADD).query(true).times(3).reply(200, (_uri, body) => {
      bodies.push(body as Record<string, unknown>);
      return { errcode: 0, errmsg: "ok", msgid: `msg-${bodies.length}`, fail_list: [] };
    });
    const result = await massMessageDispatcher({ wecom: testWeComClient(), massMessageId: id, now });
    scope.done();
    assert.equal(result.created, 3);
    assert.equal(result.status, "sent");
    assert.deepEqual(bodies.map((body) => [body["sender"], body["external_userid"]]).sort(), [["guide-a", ["wm-a1", "wm-a2"]], ["guide-a", ["wm-a3"]], ["guide-b", ["wm-b1"]]].sort());
    assert.deepEqual(bodies[0]?.["text"], { content: "亲，双十二会员价已开启" });
    assert.ok((await task(id, "guide-b", 0))?.msgid?.startsWith("msg-"));
    const stored = await MassMessage.findById(id).lean();
    assert.equal(stored?.progress?.tasksCreated, 3);
    // A second run finds nothing to send.
    const again = await massMessageDispatcher({ wecom: testWeComClient(), massMessageId: id, now });
    assert.equal(again.status, "sent");
  });

  it("should resume after a crash: a task left sending that WeCom created is reconciled, not sent again", async () => {
    await someMembers([{ externalUserIds: ["wm-a1"], guideUserIds: ["guide-a"] }, { externalUserIds: ["wm-b1"], guideUserIds: ["guide-b"] }, { externalUserIds: ["wm-c1"], guideUserIds: ["guide-c"] }]);
    const id = await aScheduledMass();
    await massMessagePlanner({ massMessageId: id, now: NOW });
    // The crash: guide-a's call went out and the process died before the msgid was stored;
    // guide-b was claimed but the call never left.
    await MassMessageTask.updateOne({ _id: massTaskId(id, "guide-a", 0) }, { $set: { state: "sending", claimedAt: NOW } });
    await MassMessageTask.updateOne({ _id: massTaskId(id, "guide-b", 0) }, { $set: { state: "sending", claimedAt: NOW } });
    const listed: Record<string, unknown>[] = [];
    wecomApi().post("/cgi-bin/externalcontact/get_groupmsg_list_v2").query(true).times(2).reply(200, (_uri, body) => {
      const request = body as Record<string, unknown>;
      listed.push(request);
      const mine = request["creator"] === "guide-a" ? [{ msgid: "msg-before-crash", creator: "guide-a", create_time: String(NOW.getTime() / 1000 + 1), text: { content: "亲，双十二会员价已开启" } }] : [];
      return { errcode: 0, errmsg: "ok", next_cursor: "", group_msg_list: mine };
    });
    const senders: unknown[] = [];
    const add = wecomApi().post(ADD).query(true).times(2).reply(200, (_uri, body) => {
      senders.push((body as Record<string, unknown>)["sender"]);
      return { errcode: 0, errmsg: "ok", msgid: `msg-${String((body as Record<string, unknown>)["sender"])}` };
    });
    const result = await massMessageDispatcher({ wecom: testWeComClient(), massMessageId: id, now });
    add.done();
    assert.deepEqual(senders.sort(), ["guide-b", "guide-c"]);
    assert.equal(result.reconciled, 1);
    assert.equal((await task(id, "guide-a", 0))?.msgid, "msg-before-crash");
    assert.equal(listed[0]?.["filter_type"], 0);
    assert.equal(result.status, "sent");
    assert.equal(nock.pendingMocks().filter((mock) => mock.includes(ADD)).length, 0);
  });

  it("should show a refused guide's reason in Chinese and retry that guide only", async () => {
    await someMembers([{ externalUserIds: ["wm-a1"], guideUserIds: ["guide-a"] }, { externalUserIds: ["wm-b1"], guideUserIds: ["guide-gone"] }]);
    const id = await aScheduledMass();
    await massMessagePlanner({ massMessageId: id, now: NOW });
    wecomApi().post(ADD).query(true).times(2).reply(200, (_uri, body) => ((body as Record<string, unknown>)["sender"] === "guide-gone" ? { errcode: 40003, errmsg: "invalid userid" } : { errcode: 0, errmsg: "ok", msgid: "msg-a" }));
    await massMessageDispatcher({ wecom: testWeComClient(), massMessageId: id, now });
    const gone = await CampaignGuide.findById(`mass:${id}:guide-gone`).lean();
    assert.equal(gone?.state, "failed");
    assert.equal(gone?.failReason, "企业微信拒绝（40003）：导购账号无效");
    assert.equal((await MassMessage.findById(id).lean())?.progress?.tasksFailed, 1);

    const retried = await massMessageRetrier({ massMessageId: id, now: NOW });
    assert.deepEqual(retried, { guides: 1, tasks: 1 });
    const add = wecomApi().post(ADD, (body: Record<string, unknown>) => body["sender"] === "guide-gone").query(true).once().reply(200, { errcode: 0, errmsg: "ok", msgid: "msg-gone" });
    const result = await massMessageDispatcher({ wecom: testWeComClient(), massMessageId: id, now });
    add.done();
    assert.equal(result.created, 1);
    assert.equal((await CampaignGuide.findById(`mass:${id}:guide-gone`).lean())?.state, "assigned");
  });

  it("should leave a rate-limited task planned for the next run", async () => {
    await someMembers([{ externalUserIds: ["wm-a1"], guideUserIds: ["guide-a"] }]);
    const id = await aScheduledMass();
    await massMessagePlanner({ massMessageId: id, now: NOW });
    wecomApi().post(ADD).query(true).times(3).reply(200, { errcode: 45009, errmsg: "api freq out of limit" });
    const result = await massMessageDispatcher({ wecom: testWeComClient(), massMessageId: id, now });
    assert.equal(result.pending, 1);
    assert.equal(result.status, "dispatching");
    assert.equal((await task(id, "guide-a", 0))?.state, "planned");
  });
});
