import assert from "node:assert/strict";
import ExcelJS from "exceljs";
import nock from "nock";
import { Customer } from "../../server/models/Customer.ts";
import { CustomerLoss } from "../../server/models/CustomerLoss.ts";
import { Event } from "../../server/models/Event.ts";
import { Follow } from "../../server/models/Follow.ts";
import type { PresentedLoss } from "../../server/presenters/loss.ts";
import { handlerFor, type HandlerContext } from "../../server/workers/eventHandlers.ts";
import { contactEventXml, deliver } from "../support/callbacks.ts";
import { anEmployee, aStore } from "../support/factories.ts";
import { consoleGet, testProcessor, testWeComClient, useTestServer } from "../support/server.ts";
import { loginAs } from "../support/sessions.ts";
import { AGENT_ACCESS_TOKEN, nockAgentToken } from "../support/wecomNock.ts";
import { AGENT_ID, WECOM_BASE } from "../support/wecomSecrets.ts";

const at = (text: string) => Math.floor(new Date(text).getTime() / 1000);

describe("losses (流失提醒 and 流失记录)", () => {
  const context = useTestServer();
  beforeEach(async () => {
    await aStore(101, "上海静安店");
    await aStore(102, "北京三里屯店");
    await anEmployee("guideA", { name: "张导购", departmentIds: [101] });
    await anEmployee("guideB", { name: "李导购", departmentIds: [102] });
    await anEmployee("mgr101", { name: "王店长", role: "manager", scopeStoreIds: ["101"], departmentIds: [101] });
    await anEmployee("mgr102", { name: "赵店长", role: "manager", scopeStoreIds: ["102"], departmentIds: [102] });
    await Customer.create({ externalUserId: "wmLost0000001", name: "王小姐" });
    await Follow.create({ externalUserId: "wmLost0000001", userId: "guideA", state: "store_101", addedAt: new Date("2026-05-01T10:00:00+08:00") });
  });

  const deletion = (userId: string, createTime: number, externalUserId = "wmLost0000001") => contactEventXml("del_follow_user", { UserID: userId, ExternalUserID: externalUserId, CreateTime: createTime });

  it("should record the loss and tell the guide and the store's manager once, though the event is processed twice", async () => {
    const processor = testProcessor({ context: { wecom: testWeComClient(), now: () => new Date(), agentId: AGENT_ID } });
    nockAgentToken();
    const bodies: Record<string, unknown>[] = [];
    nock(WECOM_BASE)
      .post("/cgi-bin/message/send", (body: Record<string, unknown>) => {
        bodies.push(body);
        return true;
      })
      .query({ access_token: AGENT_ACCESS_TOKEN })
      .times(2)
      .reply(200, { errcode: 0, errmsg: "ok", msgid: "m1" });
    const xml = deletion("guideA", at("2026-05-11T09:00:00+08:00"));
    await deliver(context.server.url, xml);
    await deliver(context.server.url, xml);
    await processor.drain();
    // Processed again, as after a crash before the event was marked done.
    const stored = await Event.findOne({ changeType: "del_follow_user" }).lean();
    assert.ok(stored);
    const again: HandlerContext = { wecom: testWeComClient(), now: () => new Date(), agentId: AGENT_ID };
    await handlerFor("change_external_contact", "del_follow_user")?.(stored, again);

    const losses = await CustomerLoss.find({}).lean();
    assert.equal(losses.length, 1);
    assert.deepEqual(
      { userId: losses[0]?.userId, storeId: losses[0]?.storeId, state: losses[0]?.state, daysSinceAdd: losses[0]?.daysSinceAdd, notice: losses[0]?.notice },
      { userId: "guideA", storeId: "101", state: "store_101", daysSinceAdd: 10, notice: "sent" },
    );
    assert.equal(bodies.length, 1, "one app message per loss");
    assert.equal(bodies[0]?.touser, "guideA|mgr101");
    assert.equal(bodies[0]?.agentid, Number(AGENT_ID));
    assert.equal((bodies[0]?.text as { content: string }).content, "流失提醒：客户「王小姐」删除了导购 张导购（上海静安店），来自渠道码「store_101」，添加 10 天。");
    assert.equal((await Follow.findOne({ userId: "guideA" }).lean())?.status, "deleted_by_customer");
  });

  it("should record the loss and send nothing where no agent is configured", async () => {
    const processor = testProcessor();
    await deliver(context.server.url, deletion("guideA", at("2026-05-11T09:00:00+08:00")));
    await processor.drain();
    assert.equal((await Event.findOne({}).lean())?.status, "done");
    const loss = await CustomerLoss.findOne({}).lean();
    assert.equal(loss?.notice, "skipped");
  });

  it("should keep WeCom's refusal on the loss without failing the event", async () => {
    const processor = testProcessor({ context: { wecom: testWeComClient(), now: () => new Date(), agentId: AGENT_ID } });
    nockAgentToken();
    nock(WECOM_BASE).post("/cgi-bin/message/send").query(true).reply(200, { errcode: 81013, errmsg: "user & party & tag all invalid" });
    await deliver(context.server.url, deletion("guideA", at("2026-05-11T09:00:00+08:00")));
    await processor.drain();
    assert.equal((await Event.findOne({}).lean())?.status, "done");
    const loss = await CustomerLoss.findOne({}).lean();
    assert.deepEqual([loss?.notice, loss?.noticeError], ["failed", "errcode 81013"]);
  });

  it("should list losses with names, filters and paging; a manager sees their stores only", async () => {
    const processor = testProcessor();
    await Customer.create({ externalUserId: "wmLost0000002", name: "李先生" });
    await Follow.create({ externalUserId: "wmLost0000002", userId: "guideB", state: "live_room", addedAt: new Date("2026-04-01T10:00:00+08:00") });
    await deliver(context.server.url, deletion("guideA", at("2026-05-11T09:00:00+08:00")));
    await deliver(context.server.url, deletion("guideB", at("2026-05-12T09:00:00+08:00"), "wmLost0000002"));
    await processor.drain();

    const all = await consoleGet(context.server, "/api/console/losses");
    const rows = all.body.data as PresentedLoss[];
    assert.deepEqual(rows.map((row) => [row.customerName, row.guideName, row.storeName, row.state, row.daysSinceAdd]), [
      ["李先生", "李导购", "北京三里屯店", "live_room", 41],
      ["王小姐", "张导购", "上海静安店", "store_101", 10],
    ]);
    const ids = async (query: string) => ((await consoleGet(context.server, `/api/console/losses${query}`)).body.data as PresentedLoss[]).map((row) => row.externalUserId);
    assert.deepEqual(await ids("?guide=guideA"), ["wmLost0000001"]);
    assert.deepEqual(await ids("?storeId=102"), ["wmLost0000002"]);
    assert.deepEqual(await ids("?state=store_101"), ["wmLost0000001"]);
    assert.deepEqual(await ids("?from=2026-05-12&to=2026-05-12"), ["wmLost0000002"]);
    const paged = await consoleGet(context.server, "/api/console/losses?page=2&pageSize=1");
    assert.deepEqual((paged.body.data as PresentedLoss[]).map((row) => row.externalUserId), ["wmLost0000001"]);
    assert.equal((paged.body.pagination as { total: number }).total, 2);
    assert.equal((await consoleGet(context.server, "/api/console/losses?guide=nobody")).body.message, "guide: 找不到该导购");

    const manager = await loginAs(context.server, { userId: "mgr101", role: "manager", scopeStoreIds: ["101"], departmentIds: [101], name: "王店长" });
    const mine = await manager.get("/api/console/losses");
    assert.deepEqual((mine.body.data as PresentedLoss[]).map((row) => row.externalUserId), ["wmLost0000001"]);
    const guide = await loginAs(context.server, { userId: "guideA", role: "guide", departmentIds: [101], name: "张导购" });
    assert.equal((await guide.get("/api/console/losses")).status, 403);
  });

  it("should export the losses a manager may see as an Excel sheet with names", async () => {
    const processor = testProcessor();
    await Customer.create({ externalUserId: "wmLost0000002", name: "李先生" });
    await Follow.create({ externalUserId: "wmLost0000002", userId: "guideB", state: "live_room", addedAt: new Date("2026-04-01T10:00:00+08:00") });
    await deliver(context.server.url, deletion("guideA", at("2026-05-11T09:00:00+08:00")));
    await deliver(context.server.url, deletion("guideB", at("2026-05-12T09:00:00+08:00"), "wmLost0000002"));
    await processor.drain();
    const manager = await loginAs(context.server, { userId: "mgr101", role: "manager", scopeStoreIds: ["101"], departmentIds: [101], name: "王店长" });
    const response = await fetch(`${context.server.url}/api/console/losses/export?from=2026-05-01&to=2026-05-31`, { headers: { cookie: manager.cookie } });
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-type") ?? "", /spreadsheetml/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await response.arrayBuffer());
    const sheet = workbook.getWorksheet("流失记录");
    const values = (row: number) => (sheet?.getRow(row).values as unknown[]).slice(1);
    assert.deepEqual(values(1), ["客户", "导购", "门店", "来源渠道码", "添加时间", "流失时间", "留存天数"]);
    assert.deepEqual(values(2).slice(0, 4), ["王小姐", "张导购", "上海静安店", "store_101"]);
    assert.equal(sheet?.rowCount, 2, "only the manager's store");
    const refused = await manager.get("/api/console/losses/export?storeId=999&from=2026-05-01&to=2026-05-31");
    assert.equal(refused.body.message, "storeId: 找不到该门店");
    const unbounded = await manager.get("/api/console/losses/export");
    assert.equal(unbounded.status, 400);
    const tooLong = await manager.get("/api/console/losses/export?from=2025-01-01&to=2026-05-31");
    assert.equal(tooLong.body.message, "from: 导出的日期范围不能超过 366 天");
  });
});
