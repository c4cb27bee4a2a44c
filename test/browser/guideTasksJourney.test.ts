// Guides' tasks end to end in the sandbox (issue 14 "Done means"): customers add two guides of
// 杭州湖滨店 through the stores' codes and the product gives each guide a greeting task; on the
// sandbox page one guide works two tasks in the real sidebar (one sent into the chat through the
// JS-SDK stand-in, one marked 无回复); the store manager sees the store's completion change on 完成率
// and reminds (催办) the colleague who has not started, whose app message reaches exactly them;
// headquarters compares the stores and exports Excel. Everything runs through the product's real
// pipeline against the WeCom stand-in. Screenshots go to docs/screenshots/tasks-journey-*.png.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import ExcelJS from "exceljs";
import type { FrameLocator, Page } from "playwright-core";
import roleAssigner from "../../server/commands/roleAssigner.ts";
import { Employee } from "../../server/models/Employee.ts";
import { Task } from "../../server/models/Task.ts";
import { scan } from "../../server/sandbox/actions/scan.ts";
import { PEOPLE } from "../../server/sandbox/demoData.ts";
import { SandboxAppMessage, SandboxContactWay, SandboxMessage } from "../../server/sandbox/models/index.ts";
import { waitFor } from "../../server/utils/async.ts";
import { byTest, ROOT } from "../support/browser.ts";
import { useSandboxJourney } from "../support/journeyPages.ts";

const DOCS_SHOTS = path.join(ROOT, "docs", "screenshots");
const HOUR = 3_600_000;

/** 杭州湖滨店: its senior guide works her tasks, her colleague has not started; its 店长 reviews. */
const STORE = { id: "103", name: "杭州湖滨店" };
const WORKER = "zhengshuang";
const LAGGARD = "fengjie";
const MANAGER = "gaojian";
const HEADQUARTERS = "tangyun";
const nameOf = (userid: string) => PEOPLE.find((person) => person.userid === userid)?.name ?? userid;

async function shot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(DOCS_SHOTS, { recursive: true });
  // ECharts grows its bars and draws its lines for about a second after the data arrives.
  await page.waitForTimeout(1200);
  await page.screenshot({ path: path.join(DOCS_SHOTS, name) });
}

/** A greeting due within the hour (an add 23 hours ago), or half an hour ago late at night: due today either way. */
function addedAt(now: Date): Date {
  const chinaHour = new Date(now.getTime() + 8 * HOUR).getUTCHours();
  return new Date(now.getTime() - (chinaHour >= 23 ? 24.5 : 23) * HOUR);
}

describe("guides' tasks journey in the sandbox (sidebar, 完成率, 催办, export)", function () {
  this.timeout(300_000);
  const { pages, sandbox: running } = useSandboxJourney("tasks-journey");

  /** Customers add a guide through a store's code, back-dated so their greetings are due today. */
  async function customersAdd(userid: string, state: string, names: string[]): Promise<string[]> {
    const way = await SandboxContactWay.findOne({ state }).lean();
    assert.ok(way, `the ${state} code`);
    const context = { callbackUrl: running().server.url, now: () => new Date() };
    const added: string[] = [];
    for (const name of names) {
      added.push((await scan(context, { configId: way.config_id, userid, name, at: addedAt(new Date()) })).external_userid);
    }
    return added;
  }

  /** A person of the sandbox corp logged in at the console through the login stand-in. */
  async function consoleAs(userid: string): Promise<Page> {
    const page = await pages.newPage(1440, 900);
    await page.request.post(`${running().server.url}/sandbox/api/guide`, { data: { userid } });
    await page.goto(`${running().server.url}/console/`);
    await byTest(page, "login-qr").click();
    await byTest(page, "nav-completion").waitFor();
    return page;
  }

  /** The 完成率 table's row of a store or guide, by name. */
  const rowOf = (page: Page, name: string) => page.locator('[data-test="completion-rows"] .el-table__row', { hasText: name });
  /** A row's task completion: "<rate> <done>/<due>". */
  const taskRate = async (page: Page, name: string) => (await rowOf(page, name).locator('[data-test="completion-rate-tasks"]').innerText()).replace(/\s+/g, " ").trim();

  it("a guide works two tasks in the sidebar; the store manager sees completion change and reminds a colleague; headquarters compares stores and exports", async () => {
    const base = running().server.url;
    assert.equal((await fetch(`${base}/sandbox/api/seed`, { method: "POST" })).status, 200);
    await running().settle();
    const people = [WORKER, LAGGARD, MANAGER, HEADQUARTERS, "zhangxiaomei", "zhaomin"];
    assert.ok(await waitFor(async () => (await Employee.countDocuments({ userId: { $in: people } })) === people.length, { timeoutMs: 30_000, intervalMs: 50 }));
    await roleAssigner({ userId: MANAGER, role: "manager", scopeStoreIds: [STORE.id], changedBy: "journey-test", now: new Date() });
    await roleAssigner({ userId: HEADQUARTERS, role: "admin", scopeStoreIds: [], changedBy: "journey-test", now: new Date() });

    // ── Customers add guides in three stores; each add gives its guide a greeting task. ──
    const [first, second] = await customersAdd(WORKER, "store103-counter", ["顾女士", "钱先生"]);
    await customersAdd(LAGGARD, "store103-poster", ["严女士", "华先生"]);
    await customersAdd("zhangxiaomei", "store101-counter", ["陶女士"]);
    await customersAdd("zhaomin", "store102-counter", ["姜先生"]);
    await running().settle();
    assert.ok(await waitFor(async () => (await Task.countDocuments({ kind: "greeting", state: "open" })) === 6, { timeoutMs: 20_000, intervalMs: 100 }), "a greeting task per add");
    const greeting = async (externalUserId: string | undefined) => Task.findOne({ kind: "greeting", externalUserId, userId: WORKER }).lean();

    // ── The store manager opens 完成率 and lands on the one store he runs: nothing done yet. ──
    const manager = await consoleAs(MANAGER);
    await byTest(manager, "nav-completion").click();
    await byTest(manager, "completion-path").filter({ hasText: STORE.name }).waitFor();
    await rowOf(manager, nameOf(LAGGARD)).waitFor();
    assert.equal(await taskRate(manager, nameOf(WORKER)), "0.0% 0/2");
    assert.equal(await taskRate(manager, nameOf(LAGGARD)), "0.0% 0/2");
    await shot(manager, "tasks-journey-1-manager-before.png");

    // ── The guide, on the sandbox page: 顾女士's chat shows her task; 发送话术 sends the suggestion. ──
    const guide = await pages.newPage(1440, 900);
    await guide.goto(`${base}/sandbox/`);
    await byTest(guide, "guide-select").selectOption(WORKER);
    await guide.locator(`[data-test="recent-customer"][data-external-user-id="${first}"]`).click();
    const sidebar: FrameLocator = guide.frameLocator('[data-test="sidebar-frame"]');
    // The frame may still show the chat open before the click (the latest add, 钱先生): wait for hers.
    await sidebar.locator('[data-test="customer-name"]', { hasText: "顾女士" }).waitFor();
    await sidebar.locator('[data-test="customer-task"]').waitFor();
    const suggestion = (await greeting(first))?.suggestion ?? "";
    assert.match(suggestion, /^顾女士您好，我是您的专属导购郑爽/);
    assert.equal(await sidebar.locator('[data-test="task-suggestion"]').innerText(), suggestion);
    await shot(guide, "tasks-journey-2-guide-chat.png");
    await sidebar.locator('[data-test="task-send"]').click();
    await sidebar.locator('[data-test="customer-tasks"]').waitFor({ state: "detached" });
    const sent = await greeting(first);
    assert.deepEqual([sent?.state, sent?.result], ["done", "sent"]);
    assert.ok(await SandboxMessage.exists({ external_userid: first, userid: WORKER, kind: "sent_by_sidebar", text: suggestion }), "the message is in the chat");

    // ── 我的任务 from the same sidebar: 钱先生 did not answer: 标记完成 → 无回复. ──
    await sidebar.locator('[data-test="task-entry"]').click();
    const card = sidebar.locator(`[data-test="task-card"][data-task="${(await greeting(second))?._id ?? ""}"]`);
    await card.waitFor();
    await card.locator('[data-test="task-done-open"]').click();
    await sidebar.locator(".van-action-sheet__item", { hasText: "无回复" }).click();
    await card.waitFor({ state: "detached" });
    const marked = await greeting(second);
    assert.deepEqual([marked?.state, marked?.result], ["done", "noReply"]);
    await sidebar.locator('[data-test="tasks-tab-done"]').click();
    await sidebar.locator('[data-test="task-card"][data-state="done"]').nth(1).waitFor();
    await sidebar.locator(".van-toast").waitFor({ state: "hidden" });
    await shot(guide, "tasks-journey-3-guide-done.png");

    // ── The manager looks again: the store is at half, his senior guide at all, her colleague at none. ──
    await manager.reload();
    await rowOf(manager, nameOf(WORKER)).filter({ hasText: "100.0%" }).waitFor();
    assert.equal(await taskRate(manager, nameOf(WORKER)), "100.0% 2/2");
    assert.equal(await taskRate(manager, nameOf(LAGGARD)), "0.0% 0/2");
    assert.match(await byTest(manager, "completion-cards").innerText(), /50\.0%\s*任务完成率|任务完成率\s*50\.0%/);
    await shot(manager, "tasks-journey-4-manager-after.png");

    // ── 催办 the colleague from her own view: her two undone greetings, one app message, to her only. ──
    await rowOf(manager, nameOf(LAGGARD)).locator('[data-test="completion-row-name"]').click();
    await byTest(manager, "completion-path").filter({ hasText: nameOf(LAGGARD) }).waitFor();
    const undone = byTest(manager, "completion-undone-tasks");
    await undone.locator(".el-table__row", { hasText: "华先生" }).waitFor();
    assert.equal(await undone.locator(".el-table__row").count(), 2);
    await byTest(manager, "completion-remind").click();
    await manager.locator(".el-message-box").getByRole("button", { name: "发送提醒" }).click();
    await manager.locator(".el-message--success").waitFor();
    await manager.locator(".el-message-box").waitFor({ state: "hidden" });
    assert.ok(await waitFor(async () => (await SandboxAppMessage.countDocuments()) > 0, { timeoutMs: 15_000, intervalMs: 100 }), "the 催办 went out");
    const messages = await SandboxAppMessage.find().lean();
    assert.deepEqual(messages.map((message) => [...message.touser]), [[LAGGARD]], "the app message reaches exactly her");
    await shot(manager, "tasks-journey-5-reminded.png");

    // ── On the sandbox page she finds the 催办 among her app messages. ──
    await byTest(guide, "guide-select").selectOption(LAGGARD);
    await byTest(guide, "guide-view-tasks").click();
    const reminder = byTest(guide, "guide-app-message").filter({ hasText: "店长催办：您有未完成的客户任务" });
    await reminder.waitFor();
    assert.equal(await byTest(guide, "guide-app-message").count(), 1);
    await guide.frameLocator('[data-test="tasks-frame"]').locator('[data-test="task-customer"]', { hasText: "华先生" }).waitFor();
    await shot(guide, "tasks-journey-6-guide-reminded.png");

    // ── Headquarters compares the stores and exports the view. ──
    const headquarters = await consoleAs(HEADQUARTERS);
    await byTest(headquarters, "nav-completion").click();
    await rowOf(headquarters, STORE.name).waitFor();
    assert.equal(await taskRate(headquarters, STORE.name), "50.0% 2/4");
    assert.equal(await taskRate(headquarters, "上海南京西路店"), "0.0% 0/1");
    assert.equal(await taskRate(headquarters, "北京三里屯店"), "0.0% 0/1");
    assert.equal(await rowOf(headquarters, "").count(), 3);
    await shot(headquarters, "tasks-journey-7-headquarters.png");
    const [download] = await Promise.all([headquarters.waitForEvent("download"), byTest(headquarters, "completion-export").click()]);
    const file = await download.path();
    assert.ok(file, "the export downloaded");
    assert.match(download.suggestedFilename(), /\.xlsx$/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(file);
    const ranking = workbook.getWorksheet("排名");
    assert.ok(ranking, "the ranking sheet");
    const headers = (ranking.getRow(1).values as unknown[]).slice(1);
    const store = ranking.getRows(2, ranking.rowCount - 1)?.find((row) => row.getCell(2).value === STORE.name);
    assert.ok(store, "杭州湖滨店 is a row of the export");
    const cell = (header: string) => store.getCell(headers.indexOf(header) + 1).value;
    assert.deepEqual([cell("排名"), cell("应完成任务"), cell("已完成任务"), cell("任务完成率")], [1, 4, 2, 0.5]);

    assert.deepEqual(pages.errors, []);
  });
});
