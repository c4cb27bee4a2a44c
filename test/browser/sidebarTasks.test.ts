// The guide's task list in the sidebar at 400 px: 今日 / 逾期 / 已完成 with a badge on the way in;
// a task opens the customer's chat (the JS-SDK stand-in's openEnterpriseChat) where its suggested
// message goes into the chat with sendChatMessage and the task is done; another is marked 无回复 by
// hand; both move to 已完成; another guide's task is never shown. Screenshots go to
// docs/screenshots/sidebar-tasks-*.png.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { Follow } from "../../server/models/Follow.ts";
import { Member } from "../../server/models/Member.ts";
import { Task } from "../../server/models/Task.ts";
import { standInCalls, useBrowser, waitForStandInCall } from "../support/browser.ts";
import { loginAs } from "../support/sessions.ts";
import { aTask } from "../guideTasks/support.ts";
import { byTest, seedGuideWorld } from "./sidebarWorld.ts";

const DOCS_SHOTS = path.resolve(import.meta.dirname, "..", "..", "docs", "screenshots");
const BIRTHDAY_WISH = "王小姐生日快乐！本月到店出示会员码，银卡生日礼等您来领～";

/** Wait until the element reads exactly this (the counts arrive with the list). */
async function reads(page: Page, name: string, text: RegExp): Promise<void> {
  await byTest(page, name).filter({ hasText: text }).waitFor();
}

async function shot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(DOCS_SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(DOCS_SHOTS, name), fullPage: true });
}

describe("the sidebar's task list at 400 px (guide guideA)", function () {
  this.timeout(120_000);
  const suite = useBrowser();
  let ids: { birthday: string; silent: string; theirs: string };

  beforeEach(async () => {
    await seedGuideWorld(suite.server);
    // wmC (路人甲) becomes guideA's customer too, silent for months.
    await Follow.create({ externalUserId: "wmC", userId: "guideA", addWay: 1, addedAt: new Date(Date.now() - 200 * 86_400_000), status: "active" });
    const hours = (count: number) => new Date(Date.now() + count * 3_600_000);
    // Due later today on the guide's clock (China time, as the browser runs), so the card reads
    // "今天 HH:MM 前" at whatever hour the suite runs; 23:59 unless that is under 2 minutes away.
    const CHINA = 8 * 3_600_000;
    const laterToday = new Date(Math.max(Math.floor((Date.now() + CHINA) / 86_400_000 + 1) * 86_400_000 - CHINA - 60_000, Date.now() + 60_000));
    ids = {
      birthday: await aTask({ kind: "birthday", userId: "guideA", externalUserId: "wmA", memberId: String((await Member.findOne({ memberNo: "M10000001" }).lean())?._id), dueAt: laterToday, title: "今天生日", suggestion: BIRTHDAY_WISH }),
      silent: await aTask({ kind: "silent", userId: "guideA", externalUserId: "wmC", dueAt: hours(-18), title: "120 天没有购买", suggestion: "好久不见～新品到店了，有空来试试？" }),
      theirs: await aTask({ kind: "birthday", userId: "guideB", externalUserId: "wmB", dueAt: laterToday, title: "今天生日" }),
    };
  });

  it("should work two tasks: one sent from the customer's chat, one marked 无回复, both in 已完成, none of another guide's", async () => {
    const page = await suite.newPage("sidebar", { wecomUserId: "guideA" });
    await page.goto(`${suite.server.url}/sidebar/?entry=single_chat_tools&contact=wmA`);
    await byTest(page, "customer-name").waitFor();
    assert.equal(await byTest(page, "task-entry-today").innerText(), "1");
    assert.equal(await byTest(page, "task-entry-overdue").innerText(), "逾期 1");

    await byTest(page, "task-entry").click();
    await byTest(page, "task-card").first().waitFor();
    await reads(page, "tasks-tab-today", /^今日\s*1$/);
    await reads(page, "tasks-tab-overdue", /^逾期\s*1$/);
    assert.deepEqual(await byTest(page, "task-customer").allInnerTexts(), ["王小姐"]);
    assert.match(await byTest(page, "tasks-group").innerText(), /生日关怀[\s\S]*王小姐[\s\S]*银卡会员[\s\S]*今天生日[\s\S]*今天 \d\d:\d\d 前/);
    assert.equal(await page.getByText("李先生").count(), 0, "another guide's task is not listed");
    await shot(page, "sidebar-tasks-today.png");

    // The overdue one, in red.
    await byTest(page, "tasks-tab-overdue").click();
    await page.locator(`[data-test="task-card"][data-task="${ids.silent}"]`).waitFor();
    const overdue = page.locator(`[data-test="task-card"][data-task="${ids.silent}"]`);
    assert.match(await overdue.locator('[data-test="task-due"]').innerText(), /^已逾期 · /);
    assert.equal(await overdue.locator('[data-test="task-due"]').evaluate((element) => (globalThis as unknown as { getComputedStyle(e: unknown): { color: string } }).getComputedStyle(element).color), "rgb(238, 10, 36)");
    await shot(page, "sidebar-tasks-overdue.png");
    // 标记完成 → 无回复.
    await overdue.locator('[data-test="task-done-open"]').click();
    await page.locator(".van-action-sheet__item", { hasText: "无回复" }).click();
    await byTest(page, "tasks-empty").waitFor();
    await reads(page, "tasks-tab-overdue", /^逾期\s*0$/);

    // Today's birthday: tapping it opens her chat, where the suggestion is ready to send.
    await byTest(page, "tasks-tab-today").click();
    await page.locator(`[data-test="task-card"][data-task="${ids.birthday}"]`).click();
    await waitForStandInCall(page, "openEnterpriseChat");
    const opened = (await standInCalls(page)).filter((call) => call.api === "openEnterpriseChat");
    assert.deepEqual(opened.map((call) => call.args[0]), [{ externalUserIds: ["wmA"] }]);
    await byTest(page, "customer-task").waitFor();
    assert.equal(new URL(page.url()).searchParams.get("contact"), "wmA");
    assert.equal(await byTest(page, "task-suggestion").innerText(), BIRTHDAY_WISH);
    await page.locator(".van-toast").waitFor({ state: "hidden" });
    await shot(page, "sidebar-tasks-chat.png");
    await byTest(page, "task-send").click();
    await waitForStandInCall(page, "sendChatMessage");
    const sends = (await standInCalls(page)).filter((call) => call.api === "sendChatMessage");
    assert.deepEqual(sends.map((call) => call.args[0]), [{ msgtype: "text", text: { content: BIRTHDAY_WISH } }]);
    await byTest(page, "customer-tasks").waitFor({ state: "detached" });
    const stored = await Task.findById(ids.birthday).lean();
    assert.deepEqual([stored?.state, stored?.result], ["done", "sent"]);

    // Both in 已完成, with how each was done.
    await byTest(page, "task-entry").click();
    await byTest(page, "tasks-back").locator(".van-nav-bar__left").click();
    await byTest(page, "customer-name").waitFor();
    assert.equal(new URL(page.url()).pathname, "/sidebar/", "返回 goes back to the chat");
    await byTest(page, "task-entry").click();
    await byTest(page, "tasks-tab-done").click();
    await page.locator('[data-test="task-card"][data-state="done"]').nth(1).waitFor();
    await reads(page, "tasks-tab-done", /^已完成\s*2$/);
    const done = await byTest(page, "task-card").allInnerTexts();
    assert.equal(done.length, 2);
    assert.ok(done.some((text) => /王小姐[\s\S]*已发送消息/.test(text)), done.join(" | "));
    assert.ok(done.some((text) => /路人甲[\s\S]*无回复/.test(text)), done.join(" | "));
    await byTest(page, "task-card").last().waitFor();
    await page.locator(".van-toast").waitFor({ state: "hidden" });
    await shot(page, "sidebar-tasks-done.png");
    assert.equal((await Task.findById(ids.theirs).lean())?.state, "open", "the other guide's task is untouched");

    // The other guide's task cannot be reached by its id either.
    const session = await loginAs(suite.server, { userId: "guideA", role: "guide", departmentIds: [101] });
    const refused = await session.send("POST", `/api/sidebar/tasks/${encodeURIComponent(ids.theirs)}/done`, { result: "contacted" });
    assert.equal(refused.status, 403);
    suite.assertCleanRun();
  });

  it("should count a quick reply sent into the chat as contacting the customer: the chat's task is done", async () => {
    const page = await suite.newPage("sidebar", { wecomUserId: "guideA" });
    await page.goto(`${suite.server.url}/sidebar/?entry=single_chat_tools&contact=wmA`);
    await byTest(page, "customer-task").waitFor();
    await byTest(page, "tab-quick-replies").click();
    await byTest(page, "quick-reply-send").first().click();
    await waitForStandInCall(page, "sendChatMessage");
    await byTest(page, "customer-tasks").waitFor({ state: "detached" });
    const stored = await Task.findById(ids.birthday).lean();
    assert.deepEqual([stored?.state, stored?.result], ["done", "sent"]);
    assert.equal((await Task.findById(ids.silent).lean())?.state, "open", "another customer's task stays open");
    suite.assertCleanRun();
  });

  it("should open the task list from the morning message's link with nothing to do, and say so", async () => {
    await Task.deleteMany({ userId: "guideA" });
    const page = await suite.newPage("sidebar", { wecomUserId: "guideA" });
    await page.goto(`${suite.server.url}/sidebar/tasks`);
    await byTest(page, "tasks-empty").waitFor();
    assert.equal(await byTest(page, "tasks-empty").innerText(), "今天的任务都完成了");
    assert.equal(await page.locator(".van-nav-bar__left").count(), 0, "no chat to go back to");
    suite.assertCleanRun();
  });
});
