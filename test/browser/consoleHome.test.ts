import assert from "node:assert/strict";
import type { Types } from "mongoose";
import type { Page } from "playwright-core";
import { Department } from "../../server/models/Department.ts";
import { Employee } from "../../server/models/Employee.ts";
import { Member } from "../../server/models/Member.ts";
import { Order } from "../../server/models/Order.ts";
import { useBrowser } from "../support/browser.ts";
import { API_TOKEN } from "../support/server.ts";

const byTest = (page: Page, name: string) => page.locator(`[data-test="${name}"]`);
const kpiDetail = (page: Page, kpi: string) => page.locator(`[data-test="kpi-card"][data-kpi="${kpi}"] .kpi-card__detail`);

/** Two stores: 101 has one member with one order, 102 two members with two orders. */
async function seedStores(): Promise<void> {
  await Department.create([
    { departmentId: 1, name: "某某美妆", parentId: 0, order: 10 },
    { departmentId: 101, name: "上海静安店", parentId: 1, order: 2 },
    { departmentId: 102, name: "北京三里屯店", parentId: 1, order: 1 },
  ]);
  await Employee.create([
    { userId: "mgrA", name: "张店长", position: "店长", departmentIds: [101], mainDepartmentId: 101, role: "manager", scopeStoreIds: ["101"] },
    { userId: "mgrAB", name: "钱区域经理", position: "区域经理", departmentIds: [1], mainDepartmentId: 1, role: "manager", scopeStoreIds: ["101", "102"] },
  ]);
  const days = (count: number) => new Date(Date.now() - count * 86_400_000);
  const [wang, li, zhou] = await Member.create([
    { memberNo: "M00000001", name: "王小姐", levelCode: "regular", homeStoreId: "101", joinedAt: days(10) },
    { memberNo: "M00000002", name: "李先生", levelCode: "regular", homeStoreId: "102", joinedAt: days(10) },
    { memberNo: "M00000003", name: "周女士", levelCode: "regular", homeStoreId: "102", joinedAt: days(10) },
  ]);
  const order = (id: string, memberId: Types.ObjectId | undefined, storeId: string) => ({ _id: id, channel: "store", orderNo: id, memberId: memberId as Types.ObjectId, amount: 10_000, status: "paid" as const, paidAt: days(2), storeId });
  await Order.create([order("SB1", wang?._id, "101"), order("SB2", li?._id, "102"), order("SB3", zhou?._id, "102")]);
}

describe("the console's 首页 for each role in a browser", function () {
  this.timeout(90_000);
  const suite = useBrowser();
  beforeEach(seedStores);

  it("should land a manager of one store on 首页 with only that store's figures", async () => {
    const page = await suite.newPage("console", { wecomUserId: "mgrA" });
    await page.goto(`${suite.server.url}/console/`);
    await byTest(page, "login-qr").click();
    await byTest(page, "current-user").waitFor();
    await byTest(page, "nav-home").waitFor();
    assert.match(page.url(), /#\/home$/, "a manager lands on 首页");
    await page.locator('[data-test="kpi-scope"]', { hasText: "上海静安店" }).waitFor();
    assert.equal(await byTest(page, "kpi-store").count(), 0, "one store: nothing to pick");
    await kpiDetail(page, "member-order-share").waitFor();
    assert.equal(await kpiDetail(page, "member-order-share").innerText(), "会员订单 1 / 全部 1");
    assert.equal(await kpiDetail(page, "upgrade-rate").innerText(), "升级会员 0 / 会员 1");
    suite.assertCleanRun();
  });

  it("should let a manager of two stores and an admin pick 全部门店 or one store", async () => {
    const manager = await suite.newPage("console", { wecomUserId: "mgrAB" });
    await manager.goto(`${suite.server.url}/console/`);
    await byTest(manager, "login-qr").click();
    await kpiDetail(manager, "member-order-share").waitFor();
    assert.equal(await kpiDetail(manager, "member-order-share").innerText(), "会员订单 3 / 全部 3");
    await byTest(manager, "kpi-store").click();
    await byTest(manager, "kpi-store-102").click();
    await manager.locator('[data-test="kpi-scope"]', { hasText: "北京三里屯店" }).waitFor();
    await manager.locator('[data-test="kpi-card"][data-kpi="member-order-share"]', { hasText: "会员订单 2 / 全部 2" }).waitFor();

    const admin = await suite.newPage("console");
    await admin.goto(`${suite.server.url}/console/`);
    await byTest(admin, "bootstrap-token").fill(API_TOKEN);
    await byTest(admin, "bootstrap-userid").fill("boss");
    await byTest(admin, "bootstrap-submit").click();
    await kpiDetail(admin, "member-order-share").waitFor();
    assert.equal(await byTest(admin, "kpi-scope").innerText(), "全部门店");
    await byTest(admin, "kpi-store").click();
    await byTest(admin, "kpi-store-101").waitFor();
    assert.deepEqual(await admin.locator(".el-select-dropdown__item:visible").allInnerTexts(), ["全部门店", "上海静安店", "北京三里屯店"], "the brand itself is not a store");
    await byTest(admin, "kpi-store-101").click();
    await admin.locator('[data-test="kpi-card"][data-kpi="member-order-share"]', { hasText: "会员订单 1 / 全部 1" }).waitFor();

    // The role dialog promises a manager what the menu gives them.
    await byTest(admin, "nav-org").click();
    await admin.locator('[data-test="employee-row"][data-user-id="mgrA"] [data-test="role-edit"]').click();
    const hint = await byTest(admin, "role-hint").innerText();
    assert.match(hint, /^可打开首页、会员、.*任务、完成率、离职继承、组织与权限，只看所管理门店的数据；可催办门店导购、为离职导购分配客户，其余不能修改。/);
    assert.doesNotMatch(hint, /会员体系|话术库/, "pages a manager cannot open are not promised");
    suite.assertCleanRun();
  });
});
