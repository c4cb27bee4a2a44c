import assert from "node:assert/strict";
import { Group } from "../../server/models/Group.ts";
import { Member } from "../../server/models/Member.ts";
import type { EventProcessor } from "../../server/workers/eventProcessor.ts";
import { chatEventXml, contactEventXml, deliver } from "../support/callbacks.ts";
import { consoleSend, testProcessor, useTestServer } from "../support/server.ts";
import { externalContactResponse, nockToken, wecomApi } from "../support/wecomNock.ts";

const CUSTOMER = "wmLinkedCustomer01";
const UNIONID = "ozynqsulJFCZ2z1aYeS8h-nuasdAAA"; // what externalContactResponse returns
const CHAT = "wrLinkedGroup0001";

describe("WeCom customers linked to members", () => {
  const context = useTestServer();
  let processor: EventProcessor;
  beforeEach(() => {
    processor = testProcessor();
    nockToken();
  });

  const member = async () => Member.findOne({ unionid: UNIONID }).lean();

  it("should link a customer whose unionid a member has, and keep the member's tags, guides and groups", async () => {
    const order = await consoleSend(context.server, "POST", "/api/console/orders", {
      channel: "miniprogram",
      orderNo: "MP1",
      amount: 9900,
      paidAt: "2026-06-01T10:00:00+08:00",
      member: { unionid: UNIONID },
    });
    assert.equal(order.status, 201);

    wecomApi()
      .get("/cgi-bin/externalcontact/get")
      .query(true)
      .reply(200, externalContactResponse(CUSTOMER, [{ userid: "zhangsan", tags: [{ tag_id: "etVIP", type: 1 }, { tag_id: "etNew", type: 1 }] }]));
    await deliver(context.server.url, contactEventXml("add_external_contact", { UserID: "zhangsan", ExternalUserID: CUSTOMER, CreateTime: 100 }));
    await processor.drain();
    let linked = await member();
    assert.deepEqual(linked?.externalUserIds, [CUSTOMER]);
    assert.deepEqual(linked?.tagIds, ["etNew", "etVIP"]);
    assert.deepEqual(linked?.guideUserIds, ["zhangsan"]);

    wecomApi()
      .post("/cgi-bin/externalcontact/groupchat/get")
      .query(true)
      .reply(200, {
        errcode: 0,
        errmsg: "ok",
        group_chat: {
          chat_id: CHAT,
          name: "会员群",
          owner: "zhangsan",
          member_version: "v1",
          member_list: [
            { userid: "zhangsan", type: 1, join_time: 1, join_scene: 1 },
            { userid: CUSTOMER, type: 2, join_time: 2, join_scene: 3 },
          ],
        },
      });
    await deliver(context.server.url, chatEventXml("create", { ChatId: CHAT, CreateTime: 200 }));
    await processor.drain();
    assert.deepEqual((await member())?.groupChatIds, [CHAT]);

    await deliver(
      context.server.url,
      chatEventXml("update", { ChatId: CHAT, UpdateDetail: "del_member", QuitScene: 0, MemChangeList: [CUSTOMER], LastMemVer: "v1", CurMemVer: "v2", CreateTime: 300 }),
    );
    await deliver(context.server.url, contactEventXml("del_follow_user", { UserID: "zhangsan", ExternalUserID: CUSTOMER, CreateTime: 400 }));
    await processor.drain();
    linked = await member();
    assert.deepEqual(linked?.groupChatIds, []);
    assert.deepEqual([linked?.guideUserIds, linked?.tagIds], [[], []]);
  });

  it("should not create members for WeCom customers who have not bought or been bound", async () => {
    wecomApi()
      .get("/cgi-bin/externalcontact/get")
      .query(true)
      .reply(200, externalContactResponse(CUSTOMER, [{ userid: "zhangsan" }]));
    await deliver(context.server.url, contactEventXml("add_external_contact", { UserID: "zhangsan", ExternalUserID: CUSTOMER }));
    await processor.drain();
    assert.equal(await Member.countDocuments(), 0);
  });

  it("should give a member the groups its customer joined before becoming a member, in both order paths", async () => {
    await Group.create([
      { chatId: "wrBefore1", name: "老客群", ownerId: "zhangsan", members: [{ id: "wmEarly1", type: "customer", status: "in" }, { id: "wmEarly2", type: "customer", status: "in" }] },
      { chatId: "wrBefore2", name: "已退群", ownerId: "zhangsan", members: [{ id: "wmEarly1", type: "customer", status: "left" }] },
    ]);
    const single = await consoleSend(context.server, "POST", "/api/console/orders", {
      channel: "store",
      orderNo: "G1",
      amount: 5000,
      paidAt: new Date().toISOString(),
      member: { phone: "13900000001", externalUserId: "wmEarly1" },
    });
    assert.equal(single.status, 201);
    assert.deepEqual((await Member.findOne({ externalUserIds: "wmEarly1" }).lean())?.groupChatIds, ["wrBefore1"]);
    const batch = await consoleSend(context.server, "POST", "/api/console/orders", {
      orders: [{ channel: "store", orderNo: "G2", amount: 5000, paidAt: new Date().toISOString(), member: { phone: "13900000002", externalUserId: "wmEarly2" } }],
    });
    assert.equal(batch.status, 200, JSON.stringify(batch.body));
    assert.deepEqual((await Member.findOne({ externalUserIds: "wmEarly2" }).lean())?.groupChatIds, ["wrBefore1"]);
  });
});
