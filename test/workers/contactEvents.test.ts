import assert from "node:assert/strict";
import { Event } from "../../server/models/Event.ts";
import { Follow } from "../../server/models/Follow.ts";
import type { EventProcessor } from "../../server/workers/eventProcessor.ts";
import { contactEventXml, deliver } from "../support/callbacks.ts";
import { consoleGet, testProcessor, useTestServer } from "../support/server.ts";
import { ACCESS_TOKEN, externalContactResponse, nockToken, wecomApi } from "../support/wecomNock.ts";

const CUSTOMER = "wmCustomerA0001";

interface CustomerBody {
  data: {
    externalUserId: string;
    name: string;
    follows: { userId: string; remark: string; state: string; status: string; tagIds: string[]; addedAt: string; addWay: number }[];
  };
}

describe("change_external_contact events", () => {
  const context = useTestServer();
  let processor: EventProcessor;
  beforeEach(async () => {
    processor = testProcessor();
    nockToken();
  });

  const customer = async () => {
    const response = await consoleGet(context.server, `/api/console/customers/${CUSTOMER}`);
    assert.equal(response.status, 200);
    return (response.body as unknown as CustomerBody).data;
  };

  it("should fetch and store the customer and the follow on add_external_contact", async () => {
    const get = wecomApi()
      .get("/cgi-bin/externalcontact/get")
      .query({ access_token: ACCESS_TOKEN, external_userid: CUSTOMER })
      .reply(
        200,
        externalContactResponse(CUSTOMER, [
          {
            userid: "zhangsan",
            remark: "王女士-金卡",
            state: "store_001",
            add_way: 1,
            createtime: 1_700_000_000,
            tags: [
              { tag_id: "etTAG1", type: 1, tag_name: "高价值", group_name: "价值" },
              { type: 2, tag_name: "个人标签", group_name: "" },
            ],
          },
        ]),
      );
    const answer = await deliver(
      context.server.url,
      contactEventXml("add_external_contact", { UserID: "zhangsan", ExternalUserID: CUSTOMER, State: "store_001", WelcomeCode: "WC1" }),
    );
    assert.equal(answer.text, "success");
    assert.equal(await processor.drain(), 2, "the add and its follow-up");
    assert.ok(get.isDone());

    const stored = await customer();
    assert.equal(stored.name, "张三");
    assert.deepEqual(stored.follows, [
      {
        userId: "zhangsan",
        remark: "王女士-金卡",
        state: "store_001",
        status: "active",
        tagIds: ["etTAG1"],
        addedAt: "2023-11-14T22:13:20.000Z",
        addWay: 1,
      },
    ]);
    const event = await Event.findOne({ type: "change_external_contact" }).lean();
    assert.equal(event?.status, "done");
    assert.equal(event?.attempts, 1);
  });

  it("should store the follow of add_half_external_contact", async () => {
    wecomApi()
      .get("/cgi-bin/externalcontact/get")
      .query(true)
      .reply(200, externalContactResponse(CUSTOMER, [{ userid: "lisi", state: "draw_2024" }]));
    await deliver(context.server.url, contactEventXml("add_half_external_contact", { UserID: "lisi", ExternalUserID: CUSTOMER, State: "draw_2024" }));
    await processor.drain();
    const stored = await customer();
    assert.deepEqual(
      stored.follows.map((follow) => [follow.userId, follow.state, follow.status]),
      [["lisi", "draw_2024", "active"]],
    );
  });

  it("should retry an add whose follow WeCom does not return yet", async () => {
    wecomApi().get("/cgi-bin/externalcontact/get").query(true).reply(200, externalContactResponse(CUSTOMER, []));
    wecomApi()
      .get("/cgi-bin/externalcontact/get")
      .query(true)
      .reply(200, externalContactResponse(CUSTOMER, [{ userid: "zhangsan" }]));
    await deliver(context.server.url, contactEventXml("add_external_contact", { UserID: "zhangsan", ExternalUserID: CUSTOMER }));
    await processor.drain();
    const event = await Event.findOne({ type: "change_external_contact" }).lean();
    assert.equal(event?.status, "done");
    assert.equal(event?.attempts, 2);
    assert.equal((await customer()).follows[0]?.status, "active");
  });

  it("should re-read remark and tags on edit_external_contact", async () => {
    wecomApi()
      .get("/cgi-bin/externalcontact/get")
      .query(true)
      .reply(200, externalContactResponse(CUSTOMER, [{ userid: "zhangsan", remark: "旧备注", tags: [{ tag_id: "etA", type: 1 }] }]));
    wecomApi()
      .get("/cgi-bin/externalcontact/get")
      .query(true)
      .reply(
        200,
        externalContactResponse(CUSTOMER, [
          { userid: "zhangsan", remark: "新备注", tags: [{ tag_id: "etB", type: 1 }, { tag_id: "etC", type: 3 }] },
        ]),
      );
    await deliver(context.server.url, contactEventXml("add_external_contact", { UserID: "zhangsan", ExternalUserID: CUSTOMER, CreateTime: 1_700_000_000 }));
    await deliver(context.server.url, contactEventXml("edit_external_contact", { UserID: "zhangsan", ExternalUserID: CUSTOMER, CreateTime: 1_700_000_100 }));
    await processor.drain();
    const follow = (await customer()).follows[0];
    assert.equal(follow?.remark, "新备注");
    assert.deepEqual(follow?.tagIds, ["etB", "etC"]);
  });

  it("should mark who ended the relationship: del_follow_user and del_external_contact", async () => {
    wecomApi()
      .get("/cgi-bin/externalcontact/get")
      .query(true)
      .reply(200, externalContactResponse(CUSTOMER, [{ userid: "zhangsan" }, { userid: "lisi" }]));
    await deliver(context.server.url, contactEventXml("add_external_contact", { UserID: "zhangsan", ExternalUserID: CUSTOMER, CreateTime: 1_700_000_000 }));
    await deliver(context.server.url, contactEventXml("del_follow_user", { UserID: "zhangsan", ExternalUserID: CUSTOMER, CreateTime: 1_700_000_050 }));
    await deliver(
      context.server.url,
      contactEventXml("del_external_contact", { UserID: "lisi", ExternalUserID: CUSTOMER, Source: "DELETE_BY_TRANSFER", CreateTime: 1_700_000_060 }),
    );
    await processor.drain();
    const statuses = Object.fromEntries((await customer()).follows.map((follow) => [follow.userId, follow.status]));
    assert.deepEqual(statuses, { zhangsan: "deleted_by_customer", lisi: "deleted_by_employee" });
    const lisi = await Follow.findOne({ userId: "lisi" }).lean();
    assert.equal(lisi?.deletedByTransfer, true);
  });

  it("should record transfer_fail on the follow", async () => {
    await deliver(
      context.server.url,
      contactEventXml("transfer_fail", { UserID: "wangwu", ExternalUserID: CUSTOMER, FailReason: "customer_refused", CreateTime: 1_700_000_200 }),
    );
    await processor.drain();
    const follow = await Follow.findOne({ externalUserId: CUSTOMER, userId: "wangwu" }).lean();
    assert.equal(follow?.transferFailure?.reason, "customer_refused");
    assert.equal(follow?.transferFailure?.at?.toISOString(), new Date(1_700_000_200_000).toISOString());
  });

  it("should store messages and app events and leave them unprocessed", async () => {
    const { callbackXml } = await import("../support/callbacks.ts");
    await deliver(
      context.server.url,
      callbackXml({ ToUserName: "wx5823bf96d3bd56c7", FromUserName: "zhangsan", CreateTime: 1, MsgType: "text", Content: "在吗", MsgId: "123456789012345678", AgentID: "1000002" }),
    );
    await processor.drain();
    const event = await Event.findOne().lean();
    assert.equal(event?.type, "other");
    assert.equal(event?.status, "ignored");
    assert.equal((event?.payload as { Content?: string }).Content, "在吗");
  });
});
