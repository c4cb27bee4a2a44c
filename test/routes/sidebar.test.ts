import assert from "node:assert/strict";
import crypto from "node:crypto";
import nock from "nock";
import { BenefitClaim } from "../../server/models/BenefitClaim.ts";
import { Customer } from "../../server/models/Customer.ts";
import { CustomerNote } from "../../server/models/CustomerNote.ts";
import { Follow } from "../../server/models/Follow.ts";
import { Group } from "../../server/models/Group.ts";
import { Member } from "../../server/models/Member.ts";
import { TagGroup } from "../../server/models/TagGroup.ts";
import { consoleSend, startTestServer, useTestServer } from "../support/server.ts";
import { loginAs, type SessionClient } from "../support/sessions.ts";
import { ACCESS_TOKEN, AGENT_ACCESS_TOKEN, nockAgentToken, nockToken, wecomApi } from "../support/wecomNock.ts";
import { WECOM_BASE } from "../support/wecomSecrets.ts";

interface Profile {
  customer: { name: string };
  follow: { remark: string };
  channel: { state: string } | null;
  tags: { id: string; name: string; groupName: string }[];
  member: { memberNo: string; phone: string; level: { name: string }; points: number; progress: { hint: string } } | null;
  orders: { orderNo: string; amountFen: number }[];
  groups: { chatId: string; memberCount: number }[];
  notes: { text: string; authorName: string }[];
  benefits: { code: string }[];
}

describe("the sidebar API", () => {
  const context = useTestServer();
  let guide: SessionClient;

  beforeEach(async () => {
    nockToken();
    guide = await loginAs(context.server, { userId: "guide01", name: "陈导购", departmentIds: [101] });
    await Customer.create([
      { externalUserId: "wmA", name: "王小姐", avatar: "https://wework.qpic.cn/a.png", unionid: "oUnionA" },
      { externalUserId: "wmB", name: "李先生" },
    ]);
    await Follow.create([
      { externalUserId: "wmA", userId: "guide01", remark: "王姐 VIP", state: "store101", tagIds: ["etVIP"], status: "active", addedAt: new Date() },
      { externalUserId: "wmB", userId: "guide02", status: "active", addedAt: new Date() },
    ]);
    await TagGroup.create({ groupId: "etG1", name: "客户等级", tags: [{ id: "etVIP", name: "高价值" }, { id: "etNEW", name: "新客" }] });
    await Group.create({ chatId: "chatA", name: "静安会员群", ownerId: "guide01", members: [{ id: "wmA", type: "customer", status: "in", joinScene: 3 }, { id: "guide01", type: "employee", status: "in" }] });
    // The member comes in by an order carrying the customer's phone and WeCom id.
    const order = await consoleSend(context.server, "POST", "/api/console/orders", {
      channel: "tmall",
      orderNo: "T1001",
      amount: 38_000,
      paidAt: new Date(Date.now() - 86_400_000).toISOString(),
      member: { phone: "13800000001", externalUserId: "wmA", name: "王小姐" },
    });
    assert.equal(order.status, 201, JSON.stringify(order.body));
    // As the group events leave it: the customer and member know the groups they are in.
    await Customer.updateOne({ externalUserId: "wmA" }, { $set: { groupChatIds: ["chatA"] } });
    await Member.updateOne({ externalUserIds: "wmA" }, { $set: { groupChatIds: ["chatA"] } });
  });

  it("should show the guide's customer: follow, tags by name, member level and progress, orders, groups, notes", async () => {
    assert.equal((await guide.send("POST", "/api/sidebar/customers/wmA/notes", { text: "喜欢保湿系列" })).status, 201);
    const response = await guide.get("/api/sidebar/customers/wmA");
    assert.equal(response.status, 200);
    const profile = response.body.data as Profile;
    assert.equal(profile.customer.name, "王小姐");
    assert.equal(profile.follow.remark, "王姐 VIP");
    assert.deepEqual(profile.channel, { state: "store101", name: null });
    assert.deepEqual(profile.tags, [{ id: "etVIP", name: "高价值", groupId: "etG1", groupName: "客户等级" }]);
    assert.equal(profile.member?.level.name, "普通会员");
    assert.equal(profile.member?.progress.hint, "还差 ¥620 升级银卡会员");
    assert.equal(profile.member?.phone, "138****0001");
    assert.deepEqual(profile.orders.map((one) => [one.orderNo, one.amountFen]), [["T1001", 38_000]]);
    assert.deepEqual(profile.groups, [{ chatId: "chatA", name: "静安会员群", memberCount: 2 }]);
    assert.deepEqual(profile.notes.map((note) => [note.text, note.authorName]), [["喜欢保湿系列", "陈导购"]]);
    const raw = JSON.stringify(response.body);
    assert.ok(!raw.includes("oUnionA") && !raw.includes("13800000001"), "no unionid or phone in clear");
  });

  it("should tag through WeCom's mark_tag for this guide's follow and answer the tags WeCom now has", async () => {
    const mark = wecomApi()
      .post("/cgi-bin/externalcontact/mark_tag", { userid: "guide01", external_userid: "wmA", add_tag: ["etNEW"], remove_tag: ["etVIP"] })
      .query({ access_token: ACCESS_TOKEN })
      .reply(200, { errcode: 0, errmsg: "ok" });
    const response = await guide.send("POST", "/api/sidebar/customers/wmA/tags", { add: ["etNEW"], remove: ["etVIP"] });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assert.ok(mark.isDone());
    assert.deepEqual((response.body.data as { tagIds: string[] }).tagIds, ["etNEW"]);
    assert.deepEqual((await Follow.findOne({ externalUserId: "wmA", userId: "guide01" }).lean())?.tagIds, ["etNEW"]);
    const empty = await guide.send("POST", "/api/sidebar/customers/wmA/tags", { add: [], remove: [] });
    assert.equal(empty.status, 400);
    assert.equal(empty.body.message, "add: add or remove must name a tag");
  });

  it("should keep a note and refuse an empty one naming the field", async () => {
    const created = await guide.send("POST", "/api/sidebar/customers/wmA/notes", { text: "  下周到店试用  " });
    assert.equal(created.status, 201);
    assert.equal((created.body.data as { text: string }).text, "下周到店试用");
    const empty = await guide.send("POST", "/api/sidebar/customers/wmA/notes", { text: "   " });
    assert.equal(empty.status, 400);
    assert.equal(empty.body.message, "text: must not be empty");
    assert.equal(await CustomerNote.countDocuments({ externalUserId: "wmA" }), 1);
  });

  it("should redeem a benefit code of the guide's own member once, and refuse another guide's", async () => {
    const silver = await consoleSend(context.server, "POST", "/api/console/orders", {
      channel: "tmall",
      orderNo: "T1002",
      amount: 70_000,
      paidAt: new Date().toISOString(),
      member: { phone: "13800000001" },
    });
    assert.equal(silver.status, 201);
    const profile = (await guide.get("/api/sidebar/customers/wmA")).body.data as Profile;
    assert.equal(profile.member?.level.name, "银卡会员");
    const claim = await consoleSend(context.server, "POST", `/api/console/members/${profile.member?.memberNo}/benefits/silver_coupon/claim`, {});
    assert.equal(claim.status, 201, JSON.stringify(claim.body));
    const code = (await BenefitClaim.findOne({}).lean())?._id as string;
    const other = await loginAs(context.server, { userId: "guide02" });
    const refused = await other.send("POST", "/api/sidebar/benefits/redeem", { code });
    assert.equal(refused.status, 403);
    assert.equal((await BenefitClaim.findById(code).lean())?.status, "claimed", "a refused redemption uses nothing up");
    const redeemed = await guide.send("POST", "/api/sidebar/benefits/redeem", { code });
    assert.equal(redeemed.status, 200, JSON.stringify(redeemed.body));
    assert.equal((redeemed.body.data as { benefitCode: string }).benefitCode, "silver_coupon");
    const again = await guide.send("POST", "/api/sidebar/benefits/redeem", { code });
    assert.equal(again.status, 409);
    assert.equal((await guide.send("POST", "/api/sidebar/benefits/redeem", { code: "NOPE" })).status, 404);
  });

  it("should show the group with its owner, join scenes and which customers are members", async () => {
    const response = await guide.get("/api/sidebar/groups/chatA");
    assert.equal(response.status, 200);
    const group = response.body.data as { ownerName: string; memberCount: number; joinScenes: Record<string, number>; members: { externalUserId: string; member: { levelName: string } | null }[] };
    assert.equal(group.ownerName, "陈导购");
    assert.equal(group.memberCount, 2);
    assert.deepEqual(group.joinScenes, { "3": 1, "0": 1 });
    assert.deepEqual(group.members.map((one) => [one.externalUserId, one.member?.levelName]), [["wmA", "普通会员"]]);
  });

  it("should list corp tags for the picker", async () => {
    const response = await guide.get("/api/sidebar/tags");
    assert.deepEqual(response.body.data, [{ groupId: "etG1", groupName: "客户等级", tags: [{ id: "etVIP", name: "高价值" }, { id: "etNEW", name: "新客" }] }]);
  });

  it("should list the guide's chats for the JS-SDK stand-in", async () => {
    const response = await guide.get("/api/sidebar/jssdk/dev-contexts");
    assert.deepEqual(response.body.data, { customers: [{ externalUserId: "wmA", name: "王小姐" }], groups: [{ chatId: "chatA", name: "静安会员群" }] });
  });
});

describe("JS-SDK signing", () => {
  const context = useTestServer();
  const sha1 = (text: string) => crypto.createHash("sha1").update(text).digest("hex");

  it("should sign config and agentConfig with their own tickets over the URL without its fragment, fetching each ticket once", async () => {
    nockAgentToken();
    const corp = nock(WECOM_BASE).get("/cgi-bin/get_jsapi_ticket").query({ access_token: AGENT_ACCESS_TOKEN }).reply(200, { errcode: 0, errmsg: "ok", ticket: "CORP_TICKET", expires_in: 7200 });
    const agent = nock(WECOM_BASE)
      .get("/cgi-bin/ticket/get")
      .query({ access_token: AGENT_ACCESS_TOKEN, type: "agent_config" })
      .reply(200, { errcode: 0, errmsg: "ok", ticket: "AGENT_TICKET", expires_in: 7200 });
    const guide = await loginAs(context.server, { userId: "guide01" });
    const page = "https://scrm.example.com/sidebar/?entry=single_chat_tools";
    const url = encodeURIComponent(`${page}#/customer`);
    const answers = await Promise.all([1, 2, 3].map(() => guide.get(`/api/sidebar/jssdk/signature?url=${url}&type=config`)));
    const agentAnswer = await guide.get(`/api/sidebar/jssdk/signature?url=${url}&type=agentConfig`);
    assert.ok(corp.isDone() && agent.isDone());
    for (const answer of answers) {
      const signed = answer.body.data as { timestamp: number; nonceStr: string; signature: string };
      assert.equal(signed.signature, sha1(`jsapi_ticket=CORP_TICKET&noncestr=${signed.nonceStr}&timestamp=${signed.timestamp}&url=${page}`));
    }
    const signed = agentAnswer.body.data as { timestamp: number; nonceStr: string; signature: string };
    assert.equal(signed.signature, sha1(`jsapi_ticket=AGENT_TICKET&noncestr=${signed.nonceStr}&timestamp=${signed.timestamp}&url=${page}`));
    assert.ok(Math.abs(signed.timestamp - Date.now() / 1000) < 60, "timestamp in seconds");
  });

  it("should fetch a new ticket when the page retries after a failed config with the ticket still cached", async () => {
    nockAgentToken();
    const tickets = nock(WECOM_BASE)
      .get("/cgi-bin/get_jsapi_ticket")
      .query(true)
      .reply(200, { errcode: 0, errmsg: "ok", ticket: "OLD", expires_in: 7200 })
      .get("/cgi-bin/get_jsapi_ticket")
      .query(true)
      .reply(200, { errcode: 0, errmsg: "ok", ticket: "NEW", expires_in: 7200 });
    // Its own server: the suite's may already cache a ticket, and a report is heeded once in a while.
    const server = await startTestServer();
    try {
      const guide = await loginAs(server, { userId: "guide01" });
      const url = encodeURIComponent("https://scrm.example.com/sidebar/");
      type Signed = { timestamp: number; nonceStr: string; signature: string; ticketId: string };
      const signedWith = (ticket: string, signed: Signed) => signed.signature === sha1(`jsapi_ticket=${ticket}&noncestr=${signed.nonceStr}&timestamp=${signed.timestamp}&url=https://scrm.example.com/sidebar/`);
      const first = (await guide.get(`/api/sidebar/jssdk/signature?url=${url}&type=config`)).body.data as Signed;
      assert.ok(signedWith("OLD", first));
      const retry = (await guide.get(`/api/sidebar/jssdk/signature?url=${url}&type=config&fresh=1&ticketId=${first.ticketId}`)).body.data as Signed;
      assert.ok(tickets.isDone());
      assert.ok(signedWith("NEW", retry));
      // And the new ticket is the cached one from now on (no further fetch is answered).
      const cached = (await guide.get(`/api/sidebar/jssdk/signature?url=${url}&type=config`)).body.data as Signed;
      assert.ok(signedWith("NEW", cached));
      assert.equal(cached.ticketId, retry.ticketId);
    } finally {
      await server.close();
    }
  });

  it("should refuse a signing URL that is not a URL, naming the field", async () => {
    const guide = await loginAs(context.server, { userId: "guide01" });
    const bad = await guide.get("/api/sidebar/jssdk/signature?url=not-a-url&type=config");
    assert.equal(bad.status, 400);
    assert.match(bad.body.message ?? "", /^url: /);
  });
});
