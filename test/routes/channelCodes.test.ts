import assert from "node:assert/strict";
import mongoose from "mongoose";
import { ChannelCode } from "../../server/models/ChannelCode.ts";
import { anEmployee, aStore } from "../support/factories.ts";
import { consoleGet, consoleSend, useTestServer, API_TOKEN } from "../support/server.ts";
import { loginAs } from "../support/sessions.ts";
import { nockToken, wecomApi } from "../support/wecomNock.ts";

const agendaJobs = () => mongoose.connection.db!.collection("agenda_jobs");

function aCode(overrides: Record<string, unknown> = {}) {
  return {
    name: "静安店柜台",
    channel: "门店",
    type: "multi",
    guides: [{ userId: "guideA" }, { userId: "guideB" }],
    welcome: { text: "{客户昵称}您好，欢迎光临", attachments: [{ type: "link", title: "会员中心", url: "https://example.com/m" }] },
    tagIds: ["etNEW"],
    state: "store_jingan",
    ...overrides,
  };
}

async function consoleDelete(url: string, path: string) {
  const response = await fetch(`${url}${path}`, { method: "DELETE", headers: { authorization: `Bearer ${API_TOKEN}` } });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("channel codes (渠道活码) console API", () => {
  const context = useTestServer();
  beforeEach(async () => {
    nockToken();
    await agendaJobs().deleteMany({});
  });

  const create = async (overrides: Record<string, unknown> = {}) => {
    wecomApi()
      .post("/cgi-bin/externalcontact/add_contact_way")
      .query(true)
      .reply(200, { errcode: 0, errmsg: "ok", config_id: "cfg-1", qr_code: "https://wework.qpic.cn/qr1.png" });
    const created = await consoleSend(context.server, "POST", "/api/console/channel-codes", aCode(overrides));
    assert.equal(created.status, 201, JSON.stringify(created.body));
    return (created.body.data as { id: string }).id;
  };

  it("should create a code through add_contact_way with the right body, store config_id and set its switch job", async () => {
    let body: unknown;
    const add = wecomApi()
      .post("/cgi-bin/externalcontact/add_contact_way", (sent) => {
        body = sent;
        return true;
      })
      .query(true)
      .reply(200, { errcode: 0, errmsg: "ok", config_id: "cfg-1", qr_code: "https://wework.qpic.cn/qr1.png" });
    const created = await consoleSend(context.server, "POST", "/api/console/channel-codes", aCode({ skipVerify: { mode: "never" } }));
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.ok(add.isDone());
    assert.deepEqual(body, { type: 2, scene: 2, remark: "静安店柜台", skip_verify: false, state: "store_jingan", user: ["guideA", "guideB"] });
    const data = created.body.data as { id: string; status: string; qrCode: string; answering: unknown };
    assert.equal(data.status, "active");
    assert.equal(data.qrCode, "https://wework.qpic.cn/qr1.png");
    assert.deepEqual(data.answering, { userIds: ["guideA", "guideB"], skipVerify: false });
    assert.equal((await ChannelCode.findById(data.id).lean())?.configId, "cfg-1");
    const job = await agendaJobs().findOne({ name: "SwitchChannelCodeJob", "data.codeId": data.id });
    assert.ok(job, "one switch job per code");
    assert.ok((job.nextRunAt as Date).getTime() > Date.now());
  });

  it("should refuse bad input in Chinese naming the field, and change nothing", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ state: "s".repeat(31) }, "state: 不能超过 30 个字符"],
      [{ guides: [{ userId: "guideA", slots: [{ day: 1, start: "09:00", end: "12:00" }, { day: 1, start: "11:00", end: "14:00" }] }] }, "guides.0.slots.1: 与第 1 个时段重叠"],
      [{ dailyCap: 0 }, "dailyCap: 每日添加上限应在 1–9999 之间"],
      [{ dailyCap: 10_000 }, "dailyCap: 每日添加上限应在 1–9999 之间"],
      [{ guides: [] }, "guides: 至少需要一名导购"],
      [{ welcome: { text: "", attachments: Array.from({ length: 10 }, () => ({ type: "link", title: "t", url: "https://e.com" })) } }, "welcome.attachments: 附件最多 9 个"],
    ];
    for (const [overrides, message] of cases) {
      const answer = await consoleSend(context.server, "POST", "/api/console/channel-codes", aCode(overrides));
      assert.equal(answer.status, 400);
      assert.equal(answer.body.message, message);
    }
    assert.equal(await ChannelCode.countDocuments({}), 0);
  });

  it("should leave nothing behind when WeCom refuses the create, and say why", async () => {
    wecomApi().post("/cgi-bin/externalcontact/add_contact_way").query(true).reply(200, { errcode: 84074, errmsg: "no permission" });
    const answer = await consoleSend(context.server, "POST", "/api/console/channel-codes", aCode());
    assert.equal(answer.status, 422);
    assert.equal(answer.body.message, "guides: 企业微信拒绝：导购没有客户联系权限（84074）");
    assert.equal(await ChannelCode.countDocuments({}), 0);
    assert.equal(await agendaJobs().countDocuments({}), 0);
  });

  it("should find the way WeCom made by its state when the create's answer was lost", async () => {
    wecomApi().post("/cgi-bin/externalcontact/add_contact_way").query(true).times(3).reply(502, "bad gateway");
    wecomApi().post("/cgi-bin/externalcontact/list_contact_way").query(true).reply(200, { errcode: 0, errmsg: "ok", contact_way: [{ config_id: "other" }, { config_id: "cfg-9" }], next_cursor: "" });
    wecomApi().post("/cgi-bin/externalcontact/get_contact_way", { config_id: "other" }).query(true).reply(200, { errcode: 0, errmsg: "ok", contact_way: { config_id: "other", state: "someone_else" } });
    wecomApi().post("/cgi-bin/externalcontact/get_contact_way", { config_id: "cfg-9" }).query(true).reply(200, { errcode: 0, errmsg: "ok", contact_way: { config_id: "cfg-9", state: "store_jingan", qr_code: "https://wework.qpic.cn/qr9.png" } });
    const answer = await consoleSend(context.server, "POST", "/api/console/channel-codes", aCode());
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    const stored = await ChannelCode.findOne({ state: "store_jingan" }).lean();
    assert.deepEqual([stored?.configId, stored?.status], ["cfg-9", "active"]);
  });

  it("should update through update_contact_way only when WeCom's part changes", async () => {
    const id = await create();
    // The welcome and tags are ours alone: no call to WeCom.
    const quiet = await consoleSend(context.server, "PUT", `/api/console/channel-codes/${id}`, aCode({ welcome: { text: "新欢迎语", attachments: [] }, tagIds: [] }));
    assert.equal(quiet.status, 200, JSON.stringify(quiet.body));
    assert.equal((quiet.body.data as { welcome: { text: string } }).welcome.text, "新欢迎语");
    let body: unknown;
    const update = wecomApi()
      .post("/cgi-bin/externalcontact/update_contact_way", (sent) => {
        body = sent;
        return true;
      })
      .query(true)
      .reply(200, { errcode: 0, errmsg: "ok" });
    const changed = await consoleSend(context.server, "PUT", `/api/console/channel-codes/${id}`, aCode({ guides: [{ userId: "guideC" }] }));
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    assert.ok(update.isDone());
    assert.deepEqual(body, { config_id: "cfg-1", remark: "静安店柜台", skip_verify: true, state: "store_jingan", user: ["guideC"] });
  });

  it("should leave the code as it was when WeCom refuses an update", async () => {
    const id = await create();
    const before = await ChannelCode.findById(id).lean();
    wecomApi().post("/cgi-bin/externalcontact/update_contact_way").query(true).reply(200, { errcode: 60111, errmsg: "userid not found" });
    const answer = await consoleSend(context.server, "PUT", `/api/console/channel-codes/${id}`, aCode({ name: "改名", guides: [{ userId: "ghost" }] }));
    assert.equal(answer.status, 422);
    assert.equal(answer.body.message, "guides: 企业微信拒绝：导购的企业微信账号不存在（60111）");
    assert.deepEqual(await ChannelCode.findById(id).lean(), before);
    const typeChange = await consoleSend(context.server, "PUT", `/api/console/channel-codes/${id}`, aCode({ type: "single" }));
    assert.equal(typeChange.body.message, "type: 活码创建后不能更改类型");
  });

  it("should delete through del_contact_way, and keep the code when WeCom refuses", async () => {
    const id = await create();
    wecomApi().post("/cgi-bin/externalcontact/del_contact_way", { config_id: "cfg-1" }).query(true).reply(200, { errcode: 48002, errmsg: "api forbidden" });
    assert.equal((await consoleDelete(context.server.url, `/api/console/channel-codes/${id}`)).status, 422);
    assert.equal(await ChannelCode.countDocuments({}), 1);
    const del = wecomApi().post("/cgi-bin/externalcontact/del_contact_way", { config_id: "cfg-1" }).query(true).reply(200, { errcode: 0, errmsg: "ok" });
    const answer = await consoleDelete(context.server.url, `/api/console/channel-codes/${id}`);
    assert.equal(answer.status, 200);
    assert.ok(del.isDone());
    assert.equal(await ChannelCode.countDocuments({}), 0);
    assert.equal(await agendaJobs().countDocuments({ "data.codeId": id }), 0);
  });

  it("should list with paging and search, and say who answers now", async () => {
    const id = await create();
    const list = await consoleGet(context.server, "/api/console/channel-codes?q=静安&page=1&pageSize=10");
    assert.equal(list.status, 200);
    assert.deepEqual((list.body.data as { id: string }[]).map((code) => code.id), [id]);
    assert.deepEqual(list.body.pagination, { page: 1, pageSize: 10, total: 1 });
    const none = await consoleGet(context.server, "/api/console/channel-codes?q=三里屯");
    assert.deepEqual(none.body.data, []);
    const now = await consoleGet(context.server, `/api/console/channel-codes/${id}/answering`);
    assert.deepEqual((now.body.data as { userIds: string[] }).userIds, ["guideA", "guideB"]);
  });

  it("should answer a store code with the store's guides, and show a manager only their stores' codes", async () => {
    await aStore(101, "上海静安店");
    await aStore(102, "北京三里屯店");
    await anEmployee("guideA", { departmentIds: [101] });
    await anEmployee("guideB", { departmentIds: [101] });
    await anEmployee("guideZ", { departmentIds: [102] });
    let body: { user?: string[] } = {};
    wecomApi()
      .post("/cgi-bin/externalcontact/add_contact_way", (sent: { user?: string[] }) => {
        body = sent;
        return true;
      })
      .query(true)
      .reply(200, { errcode: 0, errmsg: "ok", config_id: "cfg-store", qr_code: "https://wework.qpic.cn/store.png" });
    const store = await consoleSend(context.server, "POST", "/api/console/channel-codes", aCode({ type: "store", storeId: "101", guides: [], state: "store_101" }));
    assert.equal(store.status, 201, JSON.stringify(store.body));
    assert.deepEqual(body.user, ["guideA", "guideB"]);
    const other = await create({ name: "三里屯", guides: [{ userId: "guideZ" }], state: "store_102" });

    const manager = await loginAs(context.server, { userId: "mgrA", role: "manager", scopeStoreIds: ["101"], departmentIds: [101] });
    const list = await manager.get("/api/console/channel-codes");
    assert.deepEqual((list.body.data as { state: string }[]).map((code) => code.state), ["store_101"]);
    assert.equal((await manager.get(`/api/console/channel-codes/${other}`)).status, 403);
    assert.equal((await manager.send("DELETE", `/api/console/channel-codes/${other}`)).status, 403);
    const missingStore = await consoleSend(context.server, "POST", "/api/console/channel-codes", aCode({ type: "store", guides: [] }));
    assert.equal(missingStore.body.message, "storeId: 门店活码需要选择门店");
  });
});
