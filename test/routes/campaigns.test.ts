import assert from "node:assert/strict";
import ExcelJS from "exceljs";
import nock from "nock";
import { assignCampaignGuides, markCampaignGuideDone, markCampaignGuideFailed, setCampaignGuideFigures } from "../../server/commands/campaignCompletion.ts";
import { CampaignGuide, campaignGuideId } from "../../server/models/CampaignGuide.ts";
import { Employee } from "../../server/models/Employee.ts";
import { MassMessage } from "../../server/models/MassMessage.ts";
import { Moment } from "../../server/models/Moment.ts";
import { API_TOKEN, consoleGet, consoleSend, startTestServer, useTestServer, type TestServer } from "../support/server.ts";
import { aRegionWithStores } from "../campaigns/directory.ts";
import { resetDatabase } from "../support/hooks.ts";
import { loginAs, type SessionClient } from "../support/sessions.ts";
import { nockAgentToken, nockAppMessages } from "../support/wecomNock.ts";
import { AGENT_ID, WECOM_BASE } from "../support/wecomSecrets.ts";

const AT = new Date("2026-03-01T02:00:00Z");

// 静安店 (101) and 徐汇店 (102) in 华东区; 旗舰店 (201) under the root.
const seedDirectory = () =>
  aRegionWithStores([
    ["ga1", "王小美", 101],
    ["ga2", "李娜", 101],
    ["ga3", "周杰", 101],
    ["gb1", "陈晨", 102],
    ["gb2", "赵敏", 102],
    ["gc1", "孙悦", 201],
  ]);

async function aMoment(): Promise<string> {
  const moment = await Moment.create({ text: "春季新品上市，到店有礼\n第二行", kind: "ads", scheduledAt: AT, month: "2026-03", status: "sent" });
  return String(moment._id);
}

async function aMassMessage(): Promise<string> {
  const message = await MassMessage.create({ name: "三月会员日", text: "会员日全场九折", audience: { kind: "tags", tagIds: ["etVIP"] }, status: "sent" });
  return String(message._id);
}

/** Moment: everyone assigned; ga1, gb1 published; gb2 failed. */
async function seedMoment(): Promise<string> {
  const id = await aMoment();
  await assignCampaignGuides("moment", id, ["ga1", "ga2", "ga3", "gb1", "gb2", "gc1"], AT);
  await markCampaignGuideDone("moment", id, "ga1", AT);
  await markCampaignGuideDone("moment", id, "gb1", AT);
  await markCampaignGuideFailed("moment", id, "gb2", "不在应用可见范围", AT);
  await setCampaignGuideFigures("moment", id, "ga1", { likes: 3, comments: 1 });
  return id;
}

describe("campaign completion console API (完成情况, 催办)", () => {
  const context = useTestServer({ now: () => AT });
  let manager: SessionClient;
  let operator: SessionClient;

  beforeEach(async () => {
    await seedDirectory();
    manager = await loginAs(context.server, { userId: "mgr101", role: "manager", scopeStoreIds: ["101"], departmentIds: [101] });
    operator = await loginAs(context.server, { userId: "ops", role: "operator" });
  });

  it("should give the figures for everyone, per store and per region, with names", async () => {
    const id = await seedMoment();
    const { status, body } = await operator.get(`/api/console/campaigns/moment/${id}/completion`);
    assert.equal(status, 200);
    const data = body.data as { name: string; all: Record<string, number>; stores: Record<string, unknown>[]; regions: Record<string, unknown>[] };
    assert.equal(data.name, "春季新品上市，到店有礼");
    assert.deepEqual(data.all, { assigned: 6, done: 2, failed: 1, cancelled: 0, rate: 2 / 6, pending: 3 });
    assert.deepEqual(
      data.stores.map((store) => [store.storeName, store.regionName, store.done, store.assigned]),
      [
        ["徐汇店", "华东区", 1, 2],
        ["静安店", "华东区", 1, 3],
        ["旗舰店", null, 0, 1],
      ],
    );
    assert.deepEqual(data.regions.map((region) => [region.regionName, region.done, region.assigned]), [["华东区", 2, 5]]);
  });

  it("should show a manager only their stores: figures, guides, a store filter, the export and a guide's campaigns", async () => {
    const id = await seedMoment();
    const completion = await manager.get(`/api/console/campaigns/moment/${id}/completion`);
    const data = completion.body.data as { all: Record<string, number>; stores: { storeName: string }[]; regions: unknown[] };
    assert.deepEqual(data.all, { assigned: 3, done: 1, failed: 0, cancelled: 0, rate: 1 / 3, pending: 2 });
    assert.deepEqual(data.stores.map((store) => store.storeName), ["静安店"]);
    assert.deepEqual(data.regions, []);

    const guides = await manager.get(`/api/console/campaigns/moment/${id}/guides`);
    assert.deepEqual((guides.body.data as { name: string }[]).map((guide) => guide.name).sort(), ["周杰", "李娜", "王小美"]);
    assert.equal((guides.body.pagination as { total: number }).total, 3);

    const otherStore = await manager.get(`/api/console/campaigns/moment/${id}/guides?storeId=102`);
    assert.equal(otherStore.status, 403);
    assert.equal(otherStore.body.message, "该门店不在您的管辖范围");

    const exported = await fetch(`${context.server.url}/api/console/campaigns/moment/${id}/guides.xlsx`, { headers: { cookie: manager.cookie } });
    assert.equal(exported.status, 200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await exported.arrayBuffer()) as never);
    const names = workbook.worksheets[0]!.getColumn(1).values.slice(2);
    assert.deepEqual([...names].sort(), ["周杰", "李娜", "王小美"]);

    assert.equal((await manager.get("/api/console/campaigns/guides/ga1")).status, 200);
    const foreign = await manager.get("/api/console/campaigns/guides/gb1");
    assert.equal(foreign.status, 403);
    assert.equal(foreign.body.message, "该导购不在您的管辖范围");
  });

  it("should page and filter the guides on the database by state, store and name, with figures and fail reasons", async () => {
    const id = await seedMoment();
    const page1 = await operator.get(`/api/console/campaigns/moment/${id}/guides?page=1&pageSize=4`);
    const page2 = await operator.get(`/api/console/campaigns/moment/${id}/guides?page=2&pageSize=4`);
    assert.equal((page1.body.data as unknown[]).length, 4);
    assert.equal((page2.body.data as unknown[]).length, 2);
    assert.equal((page1.body.pagination as { total: number }).total, 6);

    const pending = await operator.get(`/api/console/campaigns/moment/${id}/guides?state=assigned`);
    assert.deepEqual((pending.body.data as { name: string; stateLabel: string }[]).map((guide) => `${guide.name}:${guide.stateLabel}`).sort(), ["周杰:未完成", "孙悦:未完成", "李娜:未完成"]);

    const failed = await operator.get(`/api/console/campaigns/moment/${id}/guides?state=failed`);
    assert.deepEqual((failed.body.data as { name: string; storeName: string; failReason: string }[]).map((guide) => [guide.name, guide.storeName, guide.failReason]), [["赵敏", "徐汇店", "不在应用可见范围"]]);

    const byName = await operator.get(`/api/console/campaigns/moment/${id}/guides?q=${encodeURIComponent("小美")}`);
    assert.deepEqual((byName.body.data as { name: string; figures: Record<string, number> }[]).map((guide) => [guide.name, guide.figures]), [["王小美", { likes: 3, comments: 1 }]]);

    const store = await operator.get(`/api/console/campaigns/moment/${id}/guides?storeId=102`);
    assert.deepEqual((store.body.data as { name: string }[]).map((guide) => guide.name).sort(), ["赵敏", "陈晨"]);
  });

  it("should refuse bad filters with the field named in Chinese", async () => {
    const id = await seedMoment();
    const state = await operator.get(`/api/console/campaigns/moment/${id}/guides?state=published`);
    assert.equal(state.status, 400);
    assert.match(String(state.body.message), /^state: 应为 assigned（未完成）/);
    const size = await operator.get(`/api/console/campaigns/moment/${id}/guides?pageSize=1000`);
    assert.equal(size.status, 400);
    assert.match(String(size.body.message), /pageSize/);
    const unknown = await operator.get("/api/console/campaigns/moment/65f000000000000000000000/completion");
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.message, "该活动不存在");
  });

  it("should 催办 every guide still to do it in the manager's stores by one textcard, and refuse a second one within 10 minutes saying when", async () => {
    const id = await seedMoment();
    const sent = nockAppMessages();
    const first = await manager.send("POST", `/api/console/campaigns/moment/${id}/remind`, {});
    assert.equal(first.status, 200);
    assert.equal((first.body.data as { message: string }).message, "已提醒 2 位导购");
    assert.equal(sent.length, 1);
    assert.deepEqual(sent[0]!.touser.split("|").sort(), ["ga2", "ga3"], "only the manager's guides who have not published");
    assert.equal(sent[0]!.msgtype, "textcard");
    assert.equal(sent[0]!.agentid, Number(AGENT_ID));
    assert.equal(sent[0]!.textcard.title, "催办：请发表朋友圈");
    assert.match(sent[0]!.textcard.description, /「春季新品上市，到店有礼」还没有完成/);
    const guide = await CampaignGuide.findById(campaignGuideId("moment", id, "ga2")).lean();
    assert.equal(guide?.remindCount, 1);
    assert.equal(guide?.lastRemindedAt?.toISOString(), AT.toISOString());

    const again = await manager.send("POST", `/api/console/campaigns/moment/${id}/remind`, { userIds: ["ga2"] });
    assert.equal(again.status, 409);
    // 02:00 UTC is 10:00 in China; the next reminder is possible at 10:10.
    assert.equal(again.body.message, "这些导购刚被提醒过，同一导购 10 分钟内只提醒一次，10:10 后可再次提醒");
    assert.equal(sent.length, 1, "nothing sent");
    assert.equal((await CampaignGuide.findById(campaignGuideId("moment", id, "ga2")).lean())?.remindCount, 1);
  });

  it("should remind the chosen guides only, skip those already done, and refuse guides outside the manager's stores changing nothing", async () => {
    const id = await seedMoment();
    const sent = nockAppMessages();
    const foreign = await manager.send("POST", `/api/console/campaigns/moment/${id}/remind`, { userIds: ["ga2", "gc1"] });
    assert.equal(foreign.status, 403);
    assert.equal(sent.length, 0);
    assert.equal(await CampaignGuide.countDocuments({ remindCount: { $gt: 0 } }), 0);

    const chosen = await operator.send("POST", `/api/console/campaigns/moment/${id}/remind`, { userIds: ["ga1", "gc1"] });
    assert.equal(chosen.status, 200);
    const result = chosen.body.data as { reminded: number; skipped: { name: string; reason: string }[]; message: string };
    assert.equal(result.message, "已提醒 1 位导购，1 位未提醒");
    assert.deepEqual(result.skipped, [{ userId: "ga1", name: "王小美", reason: "已完成，无需提醒" }]);
    assert.equal(sent[0]!.touser, "gc1");
  });

  it("should give back the claim of guides WeCom did not know, and of everyone when WeCom refused the call", async () => {
    const id = await seedMoment();
    const sent = nockAppMessages((body) => (body.touser.includes("ga3") ? { errcode: 0, errmsg: "ok", invaliduser: "ga3", msgid: "m2" } : { errcode: 0, errmsg: "ok" }));
    const result = await operator.send("POST", `/api/console/campaigns/moment/${id}/remind`, { userIds: ["ga2", "ga3"] });
    assert.equal((result.body.data as { message: string }).message, "已提醒 1 位导购，1 位未提醒");
    assert.equal((await CampaignGuide.findById(campaignGuideId("moment", id, "ga3")).lean())?.remindCount, 0);
    assert.equal(sent.length, 1);

    nock.cleanAll();
    nockAgentToken();
    nock(WECOM_BASE).post("/cgi-bin/message/send").query(true).reply(200, { errcode: 60020, errmsg: "not allow to access from your ip" }).persist();
    const refused = await operator.send("POST", `/api/console/campaigns/moment/${id}/remind`, { userIds: ["ga3"] });
    assert.equal(refused.status >= 500, true);
    assert.equal((await CampaignGuide.findById(campaignGuideId("moment", id, "ga3")).lean())?.lastRemindedAt, null, "the guide can be reminded again at once");
  });

  it("should split a 催办 to more than 1000 guides into calls of 1000 (mass message)", async () => {
    const id = await aMassMessage();
    const many = Array.from({ length: 1205 }, (_, index) => `bulk${index}`);
    await Employee.insertMany(many.map((userId) => ({ userId, name: userId, mainDepartmentId: 201, departmentIds: [201] })));
    await assignCampaignGuides("mass", id, many, AT);
    const sent = nockAppMessages();
    const result = await consoleSend(context.server, "POST", `/api/console/campaigns/mass/${id}/remind`, {});
    assert.equal(result.status, 200);
    assert.equal((result.body.data as { reminded: number }).reminded, 1205);
    assert.deepEqual(sent.map((body) => body.touser.split("|").length), [1000, 205]);
    assert.equal(sent[0]!.textcard.title, "催办：请发送群发消息");
    const listed = await consoleGet(context.server, `/api/console/campaigns/mass/${id}/completion`, API_TOKEN);
    assert.equal((listed.body.data as { name: string }).name, "三月会员日");
  });

  it("should list one guide's campaigns of both kinds with their state, newest first", async () => {
    const momentId = await seedMoment();
    const massId = await aMassMessage();
    await assignCampaignGuides("mass", massId, ["ga1"], new Date(AT.getTime() + 60_000));
    const { status, body } = await operator.get("/api/console/campaigns/guides/ga1");
    assert.equal(status, 200);
    const data = body.data as { name: string; storeName: string; campaigns: { kindLabel: string; name: string; stateLabel: string; campaignId: string }[] };
    assert.equal(data.name, "王小美");
    assert.equal(data.storeName, "静安店");
    assert.deepEqual(data.campaigns.map((campaign) => [campaign.kindLabel, campaign.name, campaign.stateLabel]), [
      ["群发", "三月会员日", "未完成"],
      ["朋友圈", "春季新品上市，到店有礼", "已完成"],
    ]);
    assert.equal(data.campaigns[1]!.campaignId, momentId);
    const nobody = await operator.get("/api/console/campaigns/guides/nobody");
    assert.equal(nobody.status, 404);
    assert.equal(nobody.body.message, "该导购不存在");
  });
});

describe("campaign 催办 without a self-built app", () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ agentId: undefined });
  });
  after(() => server.close());
  beforeEach(() => resetDatabase());

  it("should say in Chinese that no app is configured, and mark nobody reminded", async () => {
    await seedDirectory();
    const id = await seedMoment();
    const result = await consoleSend(server, "POST", `/api/console/campaigns/moment/${id}/remind`, {});
    assert.equal(result.status, 503);
    assert.equal(result.body.message, "未配置企业微信自建应用（WECOM_AGENT_ID），无法给导购发送应用消息");
    assert.equal(await CampaignGuide.countDocuments({ remindCount: { $gt: 0 } }), 0);
  });
});
