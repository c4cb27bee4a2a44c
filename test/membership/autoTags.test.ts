import assert from "node:assert/strict";
import type { Db } from "mongodb";
import mongoose from "mongoose";
import { startScheduler, type Scheduler } from "../../server/jobs/scheduler.ts";
import { Follow } from "../../server/models/Follow.ts";
import { Member } from "../../server/models/Member.ts";
import { MemberIdentity } from "../../server/models/MemberIdentity.ts";
import type { EventProcessor } from "../../server/workers/eventProcessor.ts";
import { chatEventXml, contactEventXml, deliver } from "../support/callbacks.ts";
import { consoleGet, consoleSend, testProcessor, testWeComClient, useTestServer } from "../support/server.ts";
import { externalContactResponse, nockToken, wecomApi } from "../support/wecomNock.ts";

const CUSTOMER = "wmAutoTagged0001";

/** Expect exactly these mark_tag bodies, in any order, and record them. */
function expectMarks(bodies: object[]) {
  const seen: object[] = [];
  const scope = wecomApi()
    .post("/cgi-bin/externalcontact/mark_tag")
    .query(true)
    .times(bodies.length)
    .reply((_uri, body) => {
      seen.push(body as object);
      return [200, { errcode: 0, errmsg: "ok" }];
    });
  return {
    verify() {
      assert.ok(scope.isDone(), `expected ${bodies.length} mark_tag calls, saw ${seen.length}`);
      assert.deepEqual(
        seen.map((body) => JSON.stringify(body)).sort(),
        bodies.map((body) => JSON.stringify(body)).sort(),
      );
    },
  };
}

describe("auto-tag rules", () => {
  const context = useTestServer();
  let processor: EventProcessor;
  beforeEach(() => {
    processor = testProcessor();
    nockToken();
  });
  const rule = async (body: object) => {
    const response = await consoleSend(context.server, "POST", "/api/console/tag-rules", body);
    assert.equal(response.status, 201, JSON.stringify(response.body));
    return (response.body.data as { id: string }).id;
  };

  it("should tag a customer who adds a guide through a channel code, once, and say why", async () => {
    await rule({ name: "南京西路店活码", trigger: "channel_state", condition: { states: ["store_nj"] }, tagIds: ["etStoreNJ"] });
    wecomApi().get("/cgi-bin/externalcontact/get").query(true).reply(200, externalContactResponse(CUSTOMER, [{ userid: "zhangsan", state: "store_nj" }]));
    // WeCom returns the tag mark_tag put on the follow.
    wecomApi()
      .get("/cgi-bin/externalcontact/get")
      .query(true)
      .reply(200, externalContactResponse(CUSTOMER, [{ userid: "zhangsan", state: "store_nj", tags: [{ tag_id: "etStoreNJ", type: 1 }] }]));
    const marks = expectMarks([{ userid: "zhangsan", external_userid: CUSTOMER, add_tag: ["etStoreNJ"], remove_tag: [] }]);
    await deliver(context.server.url, contactEventXml("add_external_contact", { UserID: "zhangsan", ExternalUserID: CUSTOMER, State: "store_nj", CreateTime: 1 }));
    // WeCom retries are stored once; a second add (re-added later) does not tag twice.
    await deliver(context.server.url, contactEventXml("add_external_contact", { UserID: "zhangsan", ExternalUserID: CUSTOMER, State: "store_nj", CreateTime: 2 }));
    await processor.drain();
    marks.verify();
    assert.deepEqual((await Follow.findOne({ externalUserId: CUSTOMER }).lean())?.tagIds, ["etStoreNJ"]);
    const reasons = await consoleGet(context.server, `/api/console/customers/${CUSTOMER}/tag-reasons`);
    assert.deepEqual(
      (reasons.body.data as { tagId: string; reason: string }[]).map((entry) => [entry.tagId, entry.reason]),
      [["etStoreNJ", "规则「南京西路店活码」：通过渠道活码 store_nj 添加"]],
    );
  });

  it("should tag all of a customer's guides when the customer joins a group", async () => {
    await rule({ name: "进群", trigger: "group_join", condition: { chatIds: ["wrVIP"] }, tagIds: ["etInGroup"] });
    await Follow.create([
      { externalUserId: CUSTOMER, userId: "zhangsan", status: "active" },
      { externalUserId: CUSTOMER, userId: "lisi", status: "active" },
    ]);
    wecomApi()
      .post("/cgi-bin/externalcontact/groupchat/get")
      .query(true)
      .reply(200, { errcode: 0, errmsg: "ok", group_chat: { chat_id: "wrVIP", name: "VIP群", owner: "zhangsan", member_version: "v1", member_list: [{ userid: CUSTOMER, type: 2, join_time: 1, join_scene: 3 }] } });
    const marks = expectMarks([
      { userid: "zhangsan", external_userid: CUSTOMER, add_tag: ["etInGroup"], remove_tag: [] },
      { userid: "lisi", external_userid: CUSTOMER, add_tag: ["etInGroup"], remove_tag: [] },
    ]);
    await deliver(context.server.url, chatEventXml("create", { ChatId: "wrVIP" }));
    await processor.drain();
    marks.verify();
  });

  it("should tag by level when an order lifts the member, and by RFM in the nightly job", async () => {
    await rule({ name: "金卡", trigger: "level", condition: { levels: ["gold"] }, tagIds: ["etGold"] });
    await rule({ name: "高价值", trigger: "rfm", condition: { r: [5], m: [3, 4, 5] }, tagIds: ["etHighValue"] });
    await Follow.create({ externalUserId: CUSTOMER, userId: "zhangsan", status: "active" });
    const first = await consoleSend(context.server, "POST", "/api/console/orders", {
      channel: "store",
      orderNo: "L1",
      amount: 100,
      paidAt: new Date().toISOString(),
      member: { phone: "13300133000" },
    });
    const memberNo = (first.body.data as { memberNo: string }).memberNo;
    const member = await Member.findOne({ memberNo }).lean();
    await MemberIdentity.create({ _id: `customer:${CUSTOMER}`, kind: "customer", memberId: member?._id, via: "guide_binding", at: new Date() });
    await Member.updateOne({ memberNo }, { $set: { externalUserIds: [CUSTOMER] } });

    const levelMark = expectMarks([{ userid: "zhangsan", external_userid: CUSTOMER, add_tag: ["etGold"], remove_tag: [] }]);
    await consoleSend(context.server, "POST", "/api/console/orders", {
      channel: "store",
      orderNo: "L2",
      amount: 600_000,
      paidAt: new Date().toISOString(),
      member: { phone: "13300133000" },
    });
    levelMark.verify();

    const scheduler: Scheduler = await startScheduler(mongoose.connection.db as Db, { wecom: testWeComClient(), now: () => new Date() }, { processEvery: 100 });
    try {
      const rfmMark = expectMarks([{ userid: "zhangsan", external_userid: CUSTOMER, add_tag: ["etHighValue"], remove_tag: [] }]);
      await scheduler.runNow("ApplyTagRulesJob");
      rfmMark.verify();
    } finally {
      await scheduler.stop();
    }
    assert.deepEqual((await Member.findOne({ memberNo }).lean())?.tagIds, ["etGold", "etHighValue"]);
  });

  it("should refuse a channel rule without states, naming the field", async () => {
    const response = await consoleSend(context.server, "POST", "/api/console/tag-rules", { name: "x", trigger: "channel_state", tagIds: ["etA"] });
    assert.equal(response.status, 400);
    assert.equal(response.body.message, "condition.states: is required for this trigger");
  });
});
