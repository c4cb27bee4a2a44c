import assert from "node:assert/strict";
import ExcelJS from "exceljs";
import { assignCampaignGuides } from "../../server/commands/campaignCompletion.ts";
import { countCompletion } from "../../server/commands/completionRollup.ts";
import type { CompletionFigures } from "../../server/domain/tasks.ts";
import { CompletionReminder } from "../../server/models/CompletionReminder.ts";
import { Department } from "../../server/models/Department.ts";
import { Moment } from "../../server/models/Moment.ts";
import { Task } from "../../server/models/Task.ts";
import type { PresentedCompletionReminders, PresentedCompletionView, PresentedUndone } from "../../server/presenters/completion.ts";
import { aRegionWithStores } from "../campaigns/directory.ts";
import { useTestServer } from "../support/server.ts";
import { loginAs, type SessionClient } from "../support/sessions.ts";
import { nockAppMessages } from "../support/wecomNock.ts";

// 2026-12-05 10:00 in China.
const NOW = new Date("2026-12-05T02:00:00Z");
const PERIOD = "from=2026-12-01&to=2026-12-05";
// 静安店 101 and 徐汇店 102 in 华东区 (10), 长宁店 103 in 华东区 with no figures, 旗舰店 201 under the root.
const GUIDES: [string, string, number][] = [
  ["ga1", "王小美", 101],
  ["ga2", "李娜", 101],
  ["ga3", "周杰", 101],
  ["gb1", "陈晨", 102],
  ["gc1", "孙悦", 201],
];
const PLACES: Record<string, { storeId: string; regionId: string | null }> = {
  ga1: { storeId: "101", regionId: "10" },
  ga2: { storeId: "101", regionId: "10" },
  ga3: { storeId: "101", regionId: "10" },
  gb1: { storeId: "102", regionId: "10" },
  gc1: { storeId: "201", regionId: null },
};

const count = (userId: string, day: string, key: string, inc: Partial<CompletionFigures>) => countCompletion({ userId, ...PLACES[userId]!, day, key, inc });

/** Tasks due and done over the period: ga1 does all, ga2 half, gb1 a third on time; gc1 adds customers. */
async function seedFacts(): Promise<void> {
  for (const [userId, due, done, onTime] of [
    ["ga1", 4, 4, 3],
    ["ga2", 4, 2, 2],
    ["gb1", 3, 1, 1],
  ] as const) {
    for (let index = 0; index < due; index += 1) {
      const day = `2026-12-0${1 + (index % 3)}`;
      await count(userId, day, `due:${index}`, { tasksDue: 1, due_birthday: index % 2 === 0 ? 1 : 0, due_silent: index % 2 === 1 ? 1 : 0 });
      if (index < done) {
        await count(userId, day, `done:${index}`, { tasksDone: 1, done_birthday: index % 2 === 0 ? 1 : 0, done_silent: index % 2 === 1 ? 1 : 0, tasksOnTime: index < onTime ? 1 : 0 });
      }
    }
  }
  await count("gc1", "2026-12-04", "add:1", { adds: 2, membersRecruited: 1 });
  // Outside the period: never in the figures.
  await count("ga2", "2026-11-30", "due:old", { tasksDue: 9 });
  const moment = await Moment.create({ text: "冬季新品", kind: "ads", scheduledAt: NOW, month: "2026-12", status: "sent" });
  await assignCampaignGuides("moment", String(moment._id), ["ga1", "ga2"], new Date("2026-12-02T02:00:00Z"));
}

async function anOpenTask(userId: string, key: string, dueDay: string): Promise<void> {
  await Task.create({ _id: `birthday:${key}:2026`, kind: "birthday", userId, ...PLACES[userId], externalUserId: `wm${key}`, title: "生日 12月3日", dueAt: new Date(`${dueDay}T12:00:00+08:00`), dueDay, createdAt: NOW });
}

describe("completion dashboards console API (完成率)", () => {
  const context = useTestServer({ now: () => NOW });
  let manager: SessionClient;
  let operator: SessionClient;
  let admin: SessionClient;

  beforeEach(async () => {
    await aRegionWithStores(GUIDES);
    await Department.create({ departmentId: 103, name: "长宁店", parentId: 10 });
    manager = await loginAs(context.server, { userId: "mgr101", role: "manager", scopeStoreIds: ["101"], departmentIds: [101] });
    operator = await loginAs(context.server, { userId: "ops", role: "operator" });
    admin = await loginAs(context.server, { userId: "boss", role: "admin" });
    await seedFacts();
  });

  const view = async (client: SessionClient, path: string) => {
    const response = await client.get(path);
    assert.equal(response.status, 200, JSON.stringify(response.body));
    return response.body.data as PresentedCompletionView;
  };

  it("compares regions at the company level with the totals, rates and a trend per day", async () => {
    const company = await view(operator, `/api/console/completion/company?${PERIOD}`);
    assert.deepEqual([company.total.tasksDue, company.total.tasksDone, company.total.tasksOnTime, company.total.adds, company.total.membersRecruited], [11, 7, 6, 2, 1]);
    assert.equal(company.total.rates.tasks, 7 / 11);
    assert.equal(company.total.rates.onTime, 6 / 11);
    assert.equal(company.total.rates.moments, 0);
    assert.equal(company.total.rates.greetings, null, "nothing due is no rate, not 0%");
    assert.deepEqual(company.rows.map((row) => [row.level, row.name, row.figures.tasksDone, row.figures.tasksDue]), [
      ["region", "华东区", 7, 11],
      ["store", "旗舰店", 0, 0],
    ]);
    assert.deepEqual(company.trend.map((point) => [point.day, point.figures.tasksDue]), [
      ["2026-12-01", 5],
      ["2026-12-02", 3],
      ["2026-12-03", 3],
      ["2026-12-04", 0],
      ["2026-12-05", 0],
    ]);
    assert.deepEqual(company.path, [{ level: "company", id: null, name: "全公司" }]);
    assert.equal(company.cut, false);

    const birthdays = await view(operator, `/api/console/completion/company?${PERIOD}&kind=birthday`);
    assert.deepEqual([birthdays.total.tasksDue, birthdays.total.tasksDone, birthdays.kind], [6, 4, "birthday"]);
  });

  it("ranks a region's stores (one with nothing yet at the bottom) and a store's guides, with the path down", async () => {
    const region = await view(operator, `/api/console/completion/regions/10?${PERIOD}`);
    assert.deepEqual(region.rows.map((row) => [row.name, row.figures.rates.tasks]), [
      ["静安店", 6 / 8],
      ["徐汇店", 1 / 3],
      ["长宁店", null],
    ]);
    const store = await view(operator, `/api/console/completion/stores/101?${PERIOD}`);
    assert.deepEqual(store.rows.map((row) => [row.name, row.figures.tasksDone, row.figures.tasksDue, row.figures.momentsAssigned]), [
      ["王小美", 4, 4, 1],
      ["李娜", 2, 4, 1],
      ["周杰", 0, 0, 0],
    ]);
    assert.deepEqual(store.path.map((crumb) => crumb.name), ["全公司", "华东区", "静安店"]);
    const guide = await view(operator, `/api/console/completion/guides/ga2?${PERIOD}`);
    assert.deepEqual(guide.path.map((crumb) => crumb.name), ["全公司", "华东区", "静安店", "李娜"]);
    assert.deepEqual(guide.trend.map((point) => point.figures.tasksDue), [2, 1, 1, 0, 0]);
    assert.deepEqual(guide.rows, []);
  });

  it("lists a guide's undone items: open tasks paged, oldest due first, and campaigns not done", async () => {
    await anOpenTask("ga2", "m1", "2026-12-03");
    await anOpenTask("ga2", "m2", "2026-12-05");
    await anOpenTask("ga1", "m3", "2026-12-05");
    const response = await operator.get("/api/console/completion/guides/ga2/undone?pageSize=1");
    assert.equal(response.status, 200);
    const undone = response.body.data as PresentedUndone;
    assert.deepEqual(undone.tasks.map((task) => [task.id, task.overdue, task.kindLabel]), [["birthday:m1:2026", true, "生日关怀"]]);
    assert.equal((response.body.pagination as { total: number }).total, 2);
    assert.deepEqual(undone.campaigns.map((campaign) => [campaign.kindLabel, campaign.name, campaign.state]), [["朋友圈", "冬季新品", "assigned"]]);
  });

  it("shows a manager their own stores only: a cut company view, their store and guides; other stores, regions and guides refused", async () => {
    const company = await view(manager, `/api/console/completion/company?${PERIOD}`);
    assert.equal(company.cut, true);
    assert.deepEqual(company.rows.map((row) => [row.level, row.name]), [["store", "静安店"]]);
    assert.deepEqual([company.total.tasksDue, company.total.tasksDone], [8, 6]);
    assert.deepEqual(company.trend.map((point) => point.figures.tasksDue), [4, 2, 2, 0, 0]);
    const store = await view(manager, `/api/console/completion/stores/101?${PERIOD}`);
    assert.deepEqual(store.path.map((crumb) => crumb.name), ["我的门店", "静安店"]);
    for (const path of [`/api/console/completion/regions/10?${PERIOD}`, `/api/console/completion/stores/102?${PERIOD}`, `/api/console/completion/guides/gb1?${PERIOD}`, "/api/console/completion/guides/gb1/undone", `/api/console/completion/stores/102/kpis?${PERIOD}`, `/api/console/completion/export?level=store&id=102&${PERIOD}`]) {
      const refused = await manager.get(path);
      assert.equal(refused.status, 403, path);
    }
    assert.equal((await manager.get(`/api/console/completion/stores/101/kpis?${PERIOD}`)).status, 200);
  });

  it("refuses a period that is backwards, longer than 92 days or not a date, and an unknown kind, naming the field", async () => {
    const cases: [string, RegExp][] = [
      ["from=2026-12-05&to=2026-12-01", /^from: 开始日期不能晚于结束日期/],
      ["from=2026-09-01&to=2026-12-05", /^to: 时间范围不能超过 92 天/],
      ["from=2026-02-30&to=2026-03-05", /^from: 不是有效的日期/],
      ["from=20261201&to=2026-12-05", /^from: 应为日期/],
      [`${PERIOD}&kind=coffee`, /^kind: 不是有效的任务类型/],
    ];
    for (const [query, message] of cases) {
      const response = await operator.get(`/api/console/completion/company?${query}`);
      assert.equal(response.status, 400, query);
      assert.match(String(response.body.message), message);
    }
    assert.equal((await operator.get(`/api/console/completion/regions/99?${PERIOD}`)).status, 404);
    assert.equal((await operator.get(`/api/console/completion/guides/nobody?${PERIOD}`)).status, 404);
    const level = await operator.get(`/api/console/completion/export?level=planet&${PERIOD}`);
    assert.equal(level.status, 400);
    assert.match(String(level.body.message), /^level: 应为 company/);
  });

  it("exports each view as Excel: the ranked table with a total, and the days", async () => {
    for (const [client, query, names] of [
      [operator, "level=region&id=10", ["静安店", "徐汇店", "长宁店", "合计"]],
      [manager, "level=company", ["静安店", "合计"]],
    ] as const) {
      const exported = await fetch(`${context.server.url}/api/console/completion/export?${query}&${PERIOD}`, { headers: { cookie: client.cookie } });
      assert.equal(exported.status, 200);
      assert.match(decodeURIComponent(exported.headers.get("content-disposition") ?? ""), /完成率-.*全部任务-2026-12-01至2026-12-05\.xlsx/);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(Buffer.from(await exported.arrayBuffer()) as never);
      assert.deepEqual(workbook.worksheets.map((sheet) => sheet.name), ["排名", "每日"]);
      assert.deepEqual(workbook.worksheets[0]!.getColumn(2).values.slice(2), names);
      assert.equal(workbook.worksheets[1]!.rowCount, 1 + 5 + 1);
    }
  });

  it("催办: reminds the store's guides with open tasks by one textcard to the task list, at most twice a day each", async () => {
    await anOpenTask("ga2", "m1", "2026-12-03");
    await anOpenTask("ga3", "m2", "2026-12-05");
    const sent = nockAppMessages();
    const first = await manager.send("POST", "/api/console/completion/remind", { storeId: "101" });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    const result = first.body.data as PresentedCompletionReminders;
    assert.equal(result.message, "已催办 2 位导购，1 位未催办（1 位没有未完成的任务）");
    assert.deepEqual(result.skipped, [{ userId: "ga1", name: "王小美", code: "no_open_tasks", reason: "没有未完成的任务" }]);
    assert.equal(sent.length, 1);
    assert.deepEqual(sent[0]!.touser.split("|").sort(), ["ga2", "ga3"]);
    assert.match(sent[0]!.textcard.url, /\/sidebar\/tasks$/);

    await admin.send("POST", "/api/console/completion/remind", { userIds: ["ga2"] });
    const third = await manager.send("POST", "/api/console/completion/remind", { userIds: ["ga2"] });
    assert.deepEqual((third.body.data as PresentedCompletionReminders).skipped.map((skip) => skip.reason), ["今天已催办 2 次，明天再试"]);
    assert.equal(sent.length, 2, "the third reminder is not sent");
  });

  it("催办 refuses guides and stores outside a manager's stores and operators, sending nothing; a guide WeCom does not know gets the claim back", async () => {
    await anOpenTask("gb1", "m1", "2026-12-03");
    await anOpenTask("ga2", "m2", "2026-12-03");
    const sent = nockAppMessages(() => ({ errcode: 0, errmsg: "ok", invaliduser: "ga2" }));
    assert.equal((await manager.send("POST", "/api/console/completion/remind", { storeId: "102" })).status, 403);
    assert.equal((await manager.send("POST", "/api/console/completion/remind", { userIds: ["ga2", "gb1"] })).status, 403);
    assert.equal((await operator.send("POST", "/api/console/completion/remind", { storeId: "102" })).status, 403);
    const empty = await manager.send("POST", "/api/console/completion/remind", {});
    assert.equal(empty.status, 400);
    assert.match(String(empty.body.message), /^storeId: 请选择门店、区域、全公司、导购中的一项/);
    assert.equal(sent.length, 0);
    assert.equal(await CompletionReminder.countDocuments(), 0);

    const unknown = await manager.send("POST", "/api/console/completion/remind", { userIds: ["ga2"] });
    assert.deepEqual((unknown.body.data as PresentedCompletionReminders).skipped.map((skip) => skip.reason), ["企业微信找不到该导购（可能已离职或不在应用可见范围）"]);
    assert.equal((await CompletionReminder.findOne().lean())?.count, 0);
  });
});
