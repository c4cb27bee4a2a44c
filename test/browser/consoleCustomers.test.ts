import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { Customer } from "../../server/models/Customer.ts";
import { CustomerLoss } from "../../server/models/CustomerLoss.ts";
import { Department } from "../../server/models/Department.ts";
import { Employee } from "../../server/models/Employee.ts";
import { Follow } from "../../server/models/Follow.ts";
import { Group } from "../../server/models/Group.ts";
import { GroupDailyCount } from "../../server/models/GroupDailyCount.ts";
import { screenshot, useBrowser } from "../support/browser.ts";

const byTest = (page: Page, name: string) => page.locator(`[data-test="${name}"]`);
const daysAgo = (count: number) => new Date(Date.now() - count * 86_400_000);

// Store 101 (张导购, managed by 王店长) and store 102 (李导购): one customer, group and loss each.
async function seed(): Promise<void> {
  await Department.create([
    { departmentId: 1, name: "某某美妆", parentId: 0 },
    { departmentId: 101, name: "上海静安店", parentId: 1 },
    { departmentId: 102, name: "北京三里屯店", parentId: 1 },
  ]);
  await Employee.create([
    { userId: "mgrA", name: "王店长", departmentIds: [101], mainDepartmentId: 101, role: "manager", scopeStoreIds: ["101"] },
    { userId: "guideA", name: "张导购", departmentIds: [101], mainDepartmentId: 101 },
    { userId: "guideB", name: "李导购", departmentIds: [102], mainDepartmentId: 102 },
  ]);
  await Customer.create([
    { externalUserId: "wmBrowserA0001", name: "王小姐", groupChatIds: ["wrBrowserChatA"] },
    { externalUserId: "wmBrowserB0001", name: "李先生" },
    { externalUserId: "wmBrowserA0002", name: "赵女士" },
  ]);
  await Follow.create([
    { externalUserId: "wmBrowserA0001", userId: "guideA", state: "store101-counter", addedAt: daysAgo(20) },
    { externalUserId: "wmBrowserB0001", userId: "guideB", addedAt: daysAgo(10) },
    { externalUserId: "wmBrowserA0002", userId: "guideA", status: "deleted_by_customer", addedAt: daysAgo(30), statusChangedAt: daysAgo(1) },
  ]);
  await Group.create([
    { chatId: "wrBrowserChatA", name: "静安会员群", ownerId: "guideA", members: [{ id: "guideA", type: "employee", status: "in" }, { id: "wmBrowserA0001", type: "customer", status: "in", joinScene: 3, joinedAt: daysAgo(5) }] },
    { chatId: "wrBrowserChatB", name: "三里屯会员群", ownerId: "guideB", members: [] },
  ]);
  const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
  await GroupDailyCount.create({ _id: `wrBrowserChatA:${today}`, chatId: "wrBrowserChatA", day: today, joins: 1, leaves: 0 });
  await CustomerLoss.create({ _id: "wmBrowserA0002:guideA:1", externalUserId: "wmBrowserA0002", customerName: "赵女士", userId: "guideA", storeId: "101", state: "store101-poster", addedAt: daysAgo(30), deletedAt: daysAgo(1), daysSinceAdd: 29, notice: "skipped" });
}

describe("the console's 客户, 客户群 and 流失记录 for a store manager in a browser", function () {
  this.timeout(120_000);
  const suite = useBrowser();
  beforeEach(seed);

  it("should show the manager's store only, by name, from the list to each page", async () => {
    const page = await suite.newPage("console", { wecomUserId: "mgrA" });
    await page.goto(`${suite.server.url}/console/`);
    await byTest(page, "login-qr").click();
    await byTest(page, "nav-customers").click();
    await byTest(page, "customer-row").first().waitFor();
    assert.deepEqual(await byTest(page, "customer-row").allInnerTexts(), ["王小姐"], "another store's and a lost customer are not listed");
    await screenshot(page, "console-customers.png");
    await byTest(page, "customer-row").first().click();
    await page.locator('[data-test="customer-timeline"]', { hasText: "添加导购" }).waitFor();
    assert.match(await page.locator(".customer-page").innerText(), /张导购[\s\S]*静安会员群/);

    await byTest(page, "nav-groups").click();
    await byTest(page, "group-row").first().waitFor();
    assert.deepEqual(await byTest(page, "group-row").allInnerTexts(), ["静安会员群"]);
    await byTest(page, "group-row").first().click();
    await byTest(page, "group-member").first().waitFor();
    assert.deepEqual(await byTest(page, "group-member").allInnerTexts(), ["张导购", "王小姐"]);
    await page.locator(".daily-chart canvas").waitFor();
    await screenshot(page, "console-group.png");

    await byTest(page, "nav-losses").click();
    await byTest(page, "loss-row").first().waitFor();
    assert.deepEqual(await byTest(page, "loss-row").allInnerTexts(), ["赵女士"]);
    assert.match(await page.locator(".el-table__body").innerText(), /张导购[\s\S]*上海静安店[\s\S]*store101-poster/);
    suite.assertCleanRun();
  });
});
