// The console's 完成率 in a browser: headquarters compares the regions at 1440 px, drills down to a
// region, a store (with its membership KPIs) and a guide's undone tasks, and is refused a period
// longer than 92 days at the field, reminds (催办) a whole region after a confirm that counts whom it
// reaches and looks at the company's 催办 at 400 px; a store manager at 400 px lands on their store
// and reminds its guides. Screenshots go to docs/screenshots/completion-*.png.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { countCompletion } from "../../server/commands/completionRollup.ts";
import type { CompletionFigures } from "../../server/domain/tasks.ts";
import { Customer } from "../../server/models/Customer.ts";
import { Department } from "../../server/models/Department.ts";
import { Employee } from "../../server/models/Employee.ts";
import { Task } from "../../server/models/Task.ts";
import { byTest, useBrowser } from "../support/browser.ts";
import { nockAppMessages } from "../support/wecomNock.ts";

const DOCS_SHOTS = path.resolve(import.meta.dirname, "..", "..", "docs", "screenshots");
const DAY = 86_400_000;
const chinaDay = (at: number) => new Date(at + 8 * 3_600_000).toISOString().slice(0, 10);

// 华东区 (10): 静安店 101, 徐汇店 102; 华南区 (20): 天河店 201. Guides of very different diligence.
const GUIDES: [string, string, number, number][] = [
  ["ga1", "王小美", 101, 0.95],
  ["ga2", "李娜", 101, 0.6],
  ["ga3", "周杰", 101, 0.3],
  ["gb1", "陈晨", 102, 0.8],
  ["gb2", "赵敏", 102, 0.5],
  ["gc1", "孙悦", 201, 0.7],
  ["gc2", "吴磊", 201, 0.85],
];
const REGION_OF: Record<number, string> = { 101: "10", 102: "10", 201: "20" };

async function shot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(DOCS_SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(DOCS_SHOTS, name), fullPage: true });
}

/** Two weeks of each guide's days through the rollups, and open tasks (one overdue) for 李娜, 周杰 and 陈晨. */
async function seed(now: number): Promise<void> {
  await Department.create([
    { departmentId: 1, name: "某某美妆", parentId: 0 },
    { departmentId: 10, name: "华东区", parentId: 1 },
    { departmentId: 20, name: "华南区", parentId: 1 },
    { departmentId: 101, name: "上海静安店", parentId: 10 },
    { departmentId: 102, name: "上海徐汇店", parentId: 10 },
    { departmentId: 201, name: "广州天河店", parentId: 20 },
  ]);
  await Employee.create([
    { userId: "hq", name: "总部运营", departmentIds: [1], mainDepartmentId: 1, role: "admin" },
    { userId: "mgr101", name: "静安店长", departmentIds: [101], mainDepartmentId: 101, role: "manager", scopeStoreIds: ["101"] },
    ...GUIDES.map(([userId, name, store]) => ({ userId, name, departmentIds: [store], mainDepartmentId: store })),
  ]);
  for (let back = 13; back >= 0; back -= 1) {
    const day = chinaDay(now - back * DAY);
    for (const [index, [userId, , store, diligence]] of GUIDES.entries()) {
      const due = 2 + ((index + back) % 4);
      const done = Math.round(due * diligence);
      const place = { userId, storeId: String(store), regionId: REGION_OF[store] ?? null, day };
      const tasks: Partial<CompletionFigures> = { tasksDue: due, tasksDone: done, tasksOnTime: Math.round(done * diligence), due_birthday: 1, done_birthday: diligence > 0.5 ? 1 : 0, due_silent: due - 1, done_silent: done - (diligence > 0.5 ? 1 : 0) };
      await countCompletion({ ...place, key: `tasks:${day}`, inc: tasks });
      await countCompletion({ ...place, key: `campaigns:${day}`, inc: back % 3 === 0 ? { momentsAssigned: 1, momentsPublished: diligence > 0.5 ? 1 : 0, massAssigned: 1, massSent: diligence > 0.7 ? 1 : 0 } : {} });
      await countCompletion({ ...place, key: `customers:${day}`, inc: { greetingsDue: 1, greetingsOnTime: diligence > 0.6 ? 1 : 0, adds: (index + back) % 3, membersRecruited: (index + back) % 5 === 0 ? 1 : 0 } });
    }
  }
  const task = (userId: string, key: string, dueAt: number, title: string, storeId = "101") =>
    Task.create({ _id: `birthday:${key}:2026`, kind: "birthday", userId, storeId, regionId: "10", externalUserId: `wm${key}`, title, dueAt: new Date(dueAt), dueDay: chinaDay(dueAt), createdAt: new Date(now) });
  await Customer.create([
    { externalUserId: "wmm1", name: "林女士" },
    { externalUserId: "wmm2", name: "何先生" },
    { externalUserId: "wmm3", name: "郑小姐" },
    { externalUserId: "wmm4", name: "冯先生" },
  ]);
  await task("ga2", "m1", now - 2 * DAY, "生日 12月3日，祝福还没发");
  await task("ga2", "m2", now + 6 * 3_600_000, "生日 今天");
  await task("ga3", "m3", now + 6 * 3_600_000, "生日 今天");
  await task("gb1", "m4", now + 6 * 3_600_000, "生日 今天", "102");
}

describe("the console's 完成率 in a browser", function () {
  this.timeout(240_000);
  const suite = useBrowser();

  it("should let headquarters compare regions, remind a region, drill down to a guide's undone tasks and refuse a period over 92 days; a manager lands on their store and reminds its guides", async () => {
    const now = Date.now();
    await seed(now);
    const sent = nockAppMessages();
    const hq = await suite.newPage("console", { wecomUserId: "hq" });
    await hq.setViewportSize({ width: 1440, height: 900 });
    await hq.goto(`${suite.server.url}/console/`);
    await byTest(hq, "login-qr").click();
    await byTest(hq, "nav-completion").click();
    await byTest(hq, "completion-preset").getByText("近30天").click();
    await byTest(hq, "completion-row-name").first().waitFor();
    assert.deepEqual(await byTest(hq, "completion-row-name").allTextContents(), ["华南区", "华东区"], "regions ranked by task completion");
    await byTest(hq, "completion-trend").locator("canvas").waitFor();
    await hq.waitForTimeout(1500);
    await shot(hq, "completion-company-1440.png");

    await byTest(hq, "completion-row-name").filter({ hasText: "华东区" }).click();
    await byTest(hq, "completion-path").getByText("华东区").waitFor();
    assert.deepEqual((await byTest(hq, "completion-row-name").allTextContents()).sort(), ["上海徐汇店", "上海静安店"]);

    // 催办 the region: the confirm counts whom it reaches (open tasks in both stores), the toast says what happened.
    await byTest(hq, "completion-remind").click();
    const confirm = hq.locator(".el-message-box");
    await confirm.getByText("给华东区 2 家门店的 3 位导购发送催办提醒").waitFor();
    assert.match((await confirm.textContent()) ?? "", /共 5 位导购，其中 2 位没有未完成的任务，不发送。每位导购每天最多催办 2 次。/);
    await hq.waitForTimeout(600); // the box fades in
    await shot(hq, "completion-region-remind-1440.png");
    await confirm.getByRole("button", { name: "发送提醒" }).click();
    await hq.locator(".el-message--success").getByText("已催办 3 位导购，2 位未催办（2 位没有未完成的任务）").waitFor();
    assert.deepEqual(sent.map((message) => message.touser.split("|").sort()), [["ga2", "ga3", "gb1"]], "one message to the region's guides with open tasks");
    await confirm.waitFor({ state: "detached" });

    // The company's 催办 at 400 px: the button fits, the confirm counts the whole company; cancelled, nothing goes.
    await hq.setViewportSize({ width: 400, height: 860 });
    await byTest(hq, "completion-path").getByText("全公司").click();
    await byTest(hq, "completion-row-name").filter({ hasText: "华南区" }).waitFor();
    const button = await byTest(hq, "completion-remind").boundingBox();
    assert.ok(button && button.x >= 0 && button.x + button.width <= 400, `the 催办 button fits at 400 px: ${JSON.stringify(button)}`);
    await byTest(hq, "completion-remind").click();
    await confirm.getByText("给全公司 2 家门店的 3 位导购发送催办提醒").waitFor();
    const box = await confirm.boundingBox();
    assert.ok(box && box.x >= 0 && box.x + box.width <= 400, `the confirm fits at 400 px: ${JSON.stringify(box)}`);
    await confirm.getByRole("button", { name: "取消" }).click();
    await confirm.waitFor({ state: "detached" });
    assert.equal(sent.length, 1, "cancelled: nothing sent");
    await hq.setViewportSize({ width: 1440, height: 900 });
    await byTest(hq, "completion-row-name").filter({ hasText: "华东区" }).click();
    await byTest(hq, "completion-path").getByText("华东区").waitFor();
    await byTest(hq, "completion-row-name").filter({ hasText: "上海静安店" }).click();
    await byTest(hq, "completion-kpis").waitFor();
    assert.deepEqual(await byTest(hq, "completion-row-name").allTextContents(), ["王小美", "李娜", "周杰"]);
    await hq.waitForTimeout(1500);
    await shot(hq, "completion-store-1440.png");

    await byTest(hq, "completion-row-name").filter({ hasText: "李娜" }).click();
    await byTest(hq, "completion-undone-tasks").waitFor();
    assert.equal(await byTest(hq, "completion-overdue").count(), 1);
    assert.match((await byTest(hq, "completion-path").textContent()) ?? "", /全公司.*华东区.*上海静安店.*李娜/);
    assert.match((await byTest(hq, "completion-export").getAttribute("href")) ?? "", /level=guide&id=ga2/);
    await hq.waitForTimeout(1500);
    await shot(hq, "completion-guide-1440.png");

    // A custom period longer than a quarter is refused at the picker; nothing is asked for.
    await byTest(hq, "completion-preset").getByText("自定义").click();
    const range = byTest(hq, "completion-range").locator("input");
    await range.first().fill(chinaDay(now - 120 * DAY));
    await range.nth(1).fill(chinaDay(now));
    await range.nth(1).press("Enter");
    await byTest(hq, "completion-range-error").filter({ hasText: "时间范围不能超过 92 天" }).waitFor();

    const manager = await suite.newPage("console", { wecomUserId: "mgr101" });
    await manager.setViewportSize({ width: 400, height: 860 });
    await manager.goto(`${suite.server.url}/console/`);
    await byTest(manager, "login-qr").click();
    await manager.waitForURL(/#\/home/);
    await manager.goto(`${suite.server.url}/console/#/completion?preset=30`);
    await manager.waitForURL(/completion\/stores\/101\?preset=30/);
    await byTest(manager, "completion-row-name").first().waitFor();
    assert.match((await byTest(manager, "completion-path").textContent()) ?? "", /我的门店.*上海静安店/);
    await manager.waitForTimeout(1500);
    await shot(manager, "completion-store-400.png");
    await byTest(manager, "completion-rows").scrollIntoViewIfNeeded();
    await shot(manager, "completion-store-rank-400.png");
    await byTest(manager, "completion-remind").click();
    await manager.getByRole("button", { name: "发送提醒" }).click();
    await manager.getByText("已催办 2 位导购，1 位未催办").waitFor();
    assert.deepEqual(sent[1]?.touser.split("|").sort(), ["ga2", "ga3"], "李娜 and 周杰 have one reminder left after the region's");
    await manager.locator(".el-message-box").waitFor({ state: "detached" });
    await shot(manager, "completion-remind-400.png");
    suite.assertCleanRun();
  });
});
