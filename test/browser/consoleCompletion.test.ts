// The console's 完成率 in a browser: headquarters compares the regions at 1440 px, drills down to a
// region, a store (with its membership KPIs) and a guide's undone tasks, and is refused a period
// longer than 92 days at the field; a store manager at 400 px lands on their store and reminds its
// guides (催办). Screenshots go to docs/screenshots/completion-*.png.
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

/** Two weeks of each guide's days through the rollups, and open tasks (one overdue) for 李娜 and 周杰. */
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
  const task = (userId: string, key: string, dueAt: number, title: string) =>
    Task.create({ _id: `birthday:${key}:2026`, kind: "birthday", userId, storeId: "101", regionId: "10", externalUserId: `wm${key}`, title, dueAt: new Date(dueAt), dueDay: chinaDay(dueAt), createdAt: new Date(now) });
  await Customer.create([
    { externalUserId: "wmm1", name: "林女士" },
    { externalUserId: "wmm2", name: "何先生" },
    { externalUserId: "wmm3", name: "郑小姐" },
  ]);
  await task("ga2", "m1", now - 2 * DAY, "生日 12月3日，祝福还没发");
  await task("ga2", "m2", now + 6 * 3_600_000, "生日 今天");
  await task("ga3", "m3", now + 6 * 3_600_000, "生日 今天");
}

describe("the console's 完成率 in a browser", function () {
  this.timeout(240_000);
  const suite = useBrowser();

  it("should let headquarters compare regions, drill down to a guide's undone tasks and refuse a period over 92 days; a manager lands on their store and reminds its guides", async () => {
    const now = Date.now();
    await seed(now);
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

    const sent = nockAppMessages();
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
    assert.deepEqual(sent[0]?.touser.split("|").sort(), ["ga2", "ga3"]);
    await manager.locator(".el-message-box").waitFor({ state: "detached" });
    await shot(manager, "completion-remind-400.png");
    suite.assertCleanRun();
  });
});
