import assert from "node:assert/strict";
import ExcelJS from "exceljs";
import mongoose from "mongoose";
import { Event } from "../../server/models/Event.ts";
import { ChannelCodeStat } from "../../server/models/ChannelCodeStat.ts";
import { handlerFor } from "../../server/workers/eventHandlers.ts";
import type { EventProcessor } from "../../server/workers/eventProcessor.ts";
import type { PresentedChannelCodeStats, PresentedCodeStatOverview } from "../../server/presenters/channelCodeStats.ts";
import { contactEventXml, deliver } from "../support/callbacks.ts";
import { anEmployee, aStore } from "../support/factories.ts";
import { API_TOKEN, consoleGet, consoleSend, testProcessor, testWeComClient, useTestServer } from "../support/server.ts";
import { loginAs } from "../support/sessions.ts";
import { externalContactResponse, nockToken, wecomApi } from "../support/wecomNock.ts";

// A sheet row's cells from column A (ExcelJS counts from 1).
const cells = (row: ExcelJS.Row) => (row.values as unknown[]).slice(1);
// Unix seconds of a China wall-clock time.
const china = (when: string) => Math.floor(new Date(`${when}:00+08:00`).getTime() / 1000);
let clock = new Date("2026-12-20T12:00:00+08:00");

describe("channel code statistics (渠道活码数据): counters kept on write, by day, guide and store, and Excel", () => {
  const context = useTestServer({ now: () => clock });
  let processor: EventProcessor;
  let codeId: string;

  const createCode = async (name: string, state: string, guides: string[]) => {
    wecomApi().post("/cgi-bin/externalcontact/add_contact_way").query(true).reply(200, { errcode: 0, errmsg: "ok", config_id: `cfg-${state}`, qr_code: "https://wework.qpic.cn/qr.png" });
    const created = await consoleSend(context.server, "POST", "/api/console/channel-codes", { name, type: "multi", state, guides: guides.map((userId) => ({ userId })) });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    return (created.body.data as { id: string }).id;
  };
  // WeCom's callback, delivered as WeCom would (sealed, to /wecom/callback), then processed.
  const send = async (changeType: string, customer: string, guide: string, when: string, state?: string) => {
    const xml = contactEventXml(changeType, { UserID: guide, ExternalUserID: customer, State: state, CreateTime: china(when) });
    assert.equal((await deliver(context.server.url, xml, { timestamp: String(Math.floor(clock.getTime() / 1000)) })).text, "success");
    await processor.drain();
    return xml;
  };
  // A worker that died after its writes but before marking the event done runs the handler again.
  const rerunStoredEvents = async () => {
    const events = await Event.find({ type: "change_external_contact" }).lean();
    for (const event of events) {
      await handlerFor(event.type, event.changeType)?.(event, { wecom: testWeComClient(), now: () => clock });
    }
  };
  const stats = async (query: string, id = codeId) => {
    const answer = await consoleGet(context.server, `/api/console/channel-codes/${id}/stats?${query}`);
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    return answer.body.data as PresentedChannelCodeStats;
  };

  beforeEach(async () => {
    clock = new Date("2026-12-20T12:00:00+08:00");
    processor = testProcessor({ context: { wecom: testWeComClient(), now: () => clock } });
    nockToken();
    await mongoose.connection.db!.collection("agenda_jobs").deleteMany({});
    await aStore(101, "静安店");
    await aStore(102, "徐汇店");
    await anEmployee("guideA", { name: "王导购", departmentIds: [101] });
    await anEmployee("guideB", { name: "李导购", departmentIds: [102] });
    wecomApi()
      .get("/cgi-bin/externalcontact/get")
      .query(true)
      .reply(200, (uri) => {
        const customer = new URL(uri, "https://x").searchParams.get("external_userid") ?? "";
        return externalContactResponse(customer, [{ userid: "guideA", state: "stats_code" }, { userid: "guideB", state: "stats_code" }]);
      })
      .persist();
    codeId = await createCode("静安店柜台", "stats_code", ["guideA", "guideB"]);
    // 12-01: three adds, each callback delivered twice.
    for (const [customer, guide] of [["wmStats000001", "guideA"], ["wmStats000002", "guideA"], ["wmStats000003", "guideB"]] as const) {
      await send("add_external_contact", customer, guide, "2026-12-01T10:00", "stats_code");
      await send("add_external_contact", customer, guide, "2026-12-01T10:00", "stats_code");
    }
    // 12-04: the first customer deletes guideA (twice), then guideA deletes them too: one end of one add.
    await send("del_follow_user", "wmStats000001", "guideA", "2026-12-04T09:00");
    await send("del_follow_user", "wmStats000001", "guideA", "2026-12-04T09:00");
    await send("del_external_contact", "wmStats000001", "guideA", "2026-12-04T18:00");
    // 12-15: guideA deletes the second customer, 14 days after the add.
    await send("del_external_contact", "wmStats000002", "guideA", "2026-12-15T11:00");
    // 12-16: the first customer comes back through the code.
    await send("add_external_contact", "wmStats000001", "guideA", "2026-12-16T20:00", "stats_code");
    await rerunStoredEvents();
  });

  it("should count adds, deletions, net and 7-day retention once per event after duplicated and retried callbacks and a re-add", async () => {
    const byDay = await stats("from=2026-12-01&to=2026-12-20");
    assert.equal(byDay.byDay.length, 20, "every day of the range");
    const day = (date: string) => byDay.byDay.find((row) => row.key === date);
    assert.deepEqual(day("2026-12-01"), { key: "2026-12-01", label: "2026-12-01", adds: 3, deletedByCustomer: 0, deletedByGuide: 0, net: 3, retention7: 2 / 3, retention30: null });
    assert.deepEqual([day("2026-12-04")?.deletedByCustomer, day("2026-12-04")?.deletedByGuide, day("2026-12-04")?.net], [1, 0, -1]);
    assert.deepEqual([day("2026-12-15")?.deletedByGuide, day("2026-12-15")?.net], [1, -1]);
    assert.deepEqual([day("2026-12-16")?.adds, day("2026-12-16")?.retention7], [1, null], "the re-add counts as an add; its 7 days are not over");
    assert.deepEqual(byDay.totals, { adds: 4, deletedByCustomer: 1, deletedByGuide: 1, net: 2, retention7: 2 / 3, retention30: null });
    assert.equal(byDay.total, 4);
    assert.equal(byDay.name, "静安店柜台");

    const byGuide = await stats("from=2026-12-01&to=2026-12-20&groupBy=guide");
    assert.deepEqual(
      byGuide.rows.map((row) => [row.label, row.adds, row.deletedByCustomer, row.deletedByGuide, row.net, row.retention7]),
      [
        ["王导购", 3, 1, 1, 1, 0.5],
        ["李导购", 1, 0, 0, 1, 1],
      ],
    );
    const byStore = await stats("from=2026-12-01&to=2026-12-20&groupBy=store");
    assert.deepEqual(byStore.rows.map((row) => [row.key, row.label, row.adds]), [["101", "静安店", 3], ["102", "徐汇店", 1]]);
  });

  it("should show 30-day retention once the cohort's 30 days are over, and the re-added customer's end against the new add", async () => {
    clock = new Date("2027-01-12T12:00:00+08:00");
    await send("del_follow_user", "wmStats000001", "guideA", "2027-01-10T09:00");
    const answer = await stats("from=2026-12-01&to=2026-12-31");
    const first = answer.byDay.find((row) => row.key === "2026-12-01");
    assert.deepEqual([first?.retention7, first?.retention30], [2 / 3, 1 / 3], "of 3 adds, 1 left within 7 days and 2 within 30");
    const readd = answer.byDay.find((row) => row.key === "2026-12-16");
    assert.deepEqual([readd?.retention7, readd?.retention30], [1, null], "the re-added customer left 25 days after the re-add: lost within 30, but those 30 days are not over");
    assert.equal((await ChannelCodeStat.findById(`${codeId}:2026-12-16:guideA`).lean())?.lost30, 1);
  });

  it("should give the overview per code in a manager's scope, and refuse a code outside it", async () => {
    const otherId = await createCode("徐汇店柜台", "xuhui_code", ["guideB"]);
    await send("add_external_contact", "wmStats000009", "guideB", "2026-12-10T10:00", "xuhui_code");
    const all = await consoleGet(context.server, "/api/console/channel-codes/stats?from=2026-12-01&to=2026-12-20");
    const overview = all.body.data as PresentedCodeStatOverview;
    assert.deepEqual(overview.codes.map((code) => [code.name, code.adds, code.net]), [["静安店柜台", 4, 2], ["徐汇店柜台", 1, 1]]);
    assert.equal(overview.totals.adds, 5);
    const manager = await loginAs(context.server, { userId: "mgrA", role: "manager", scopeStoreIds: ["101"], departmentIds: [101] });
    await anEmployee("guideC", { departmentIds: [101] });
    const scoped = await manager.get("/api/console/channel-codes/stats?from=2026-12-01&to=2026-12-20");
    assert.equal(scoped.status, 200);
    assert.deepEqual((scoped.body.data as PresentedCodeStatOverview).codes.map((code) => code.name), ["静安店柜台"], "guideA works in the manager's store");
    const refused = await manager.get(`/api/console/channel-codes/${otherId}/stats`);
    assert.equal(refused.status, 403);
    assert.equal(refused.body.message, "该活码不在您的管辖范围");
  });

  it("should export the code's figures as Excel with Chinese headers, names not ids, and the code's name in the file name", async () => {
    const response = await fetch(`${context.server.url}/api/console/channel-codes/${codeId}/stats.xlsx?from=2026-12-01&to=2026-12-20`, { headers: { authorization: `Bearer ${API_TOKEN}` } });
    assert.equal(response.status, 200);
    assert.match(decodeURIComponent(response.headers.get("content-disposition") ?? ""), /静安店柜台-数据-2026-12-01至2026-12-20\.xlsx/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await response.arrayBuffer());
    assert.deepEqual(workbook.worksheets.map((sheet) => sheet.name), ["按日", "按导购", "按门店"]);
    const guides = workbook.getWorksheet("按导购")!;
    assert.deepEqual(cells(guides.getRow(1)), ["导购", "添加人数", "客户删除", "导购删除", "净增", "7日留存率", "30日留存率"]);
    assert.deepEqual(cells(guides.getRow(2)), ["王导购", 3, 1, 1, 1, 0.5, "—"]);
    assert.deepEqual(cells(guides.getRow(4)), ["合计", 4, 1, 1, 2, 2 / 3, "—"]);
    assert.equal(guides.getCell("G2").numFmt, "0.0%");
    assert.deepEqual(cells(workbook.getWorksheet("按门店")!.getRow(2)), ["静安店", 3, 1, 1, 1, 0.5, "—"]);
    assert.equal(workbook.getWorksheet("按日")!.getCell("A2").value, "2026-12-01");

    const overview = await fetch(`${context.server.url}/api/console/channel-codes/stats.xlsx?from=2026-12-01&to=2026-12-20`, { headers: { authorization: `Bearer ${API_TOKEN}` } });
    assert.equal(overview.status, 200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(await overview.arrayBuffer());
    assert.deepEqual(cells(book.getWorksheet("渠道活码汇总")!.getRow(2)), ["静安店柜台", "", 4, 1, 1, 2, 2 / 3, "—"]);
  });

  it("should refuse a bad range or breakdown in Chinese naming the field", async () => {
    const cases: [string, string][] = [
      [`/api/console/channel-codes/${codeId}/stats?groupBy=week`, "groupBy: 应为 day、guide 或 store"],
      [`/api/console/channel-codes/${codeId}/stats?from=2026-12-10&to=2026-12-01`, "to: 结束日期不能早于开始日期"],
      [`/api/console/channel-codes/${codeId}/stats?from=2025-01-01&to=2026-12-01`, "from: 日期范围不能超过 366 天"],
      [`/api/console/channel-codes/${codeId}/stats?from=2026-02-30`, "from: 不是有效的日期"],
      [`/api/console/channel-codes/${codeId}/stats.xlsx?from=2026-12-01`, "to: 请填写日期（YYYY-MM-DD）"],
    ];
    for (const [path, message] of cases) {
      const answer = await consoleGet(context.server, path);
      assert.equal(answer.status, 400, path);
      assert.equal(answer.body.message, message, path);
    }
  });
});
