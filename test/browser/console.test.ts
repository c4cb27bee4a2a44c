import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { Department } from "../../server/models/Department.ts";
import { Employee } from "../../server/models/Employee.ts";
import { Member } from "../../server/models/Member.ts";
import { RoleChange } from "../../server/models/RoleChange.ts";
import { Session } from "../../server/models/Session.ts";
import { screenshot, useBrowser, waitForCount } from "../support/browser.ts";
import { API_TOKEN } from "../support/server.ts";

/**
 * Two stores with two employees and two members each; nobody is an admin yet, so the console
 * offers the first-admin bootstrap.
 */
async function seedTwoStores(): Promise<void> {
  await Department.create([
    { departmentId: 1, name: "某某美妆", parentId: 0, order: 10 },
    { departmentId: 101, name: "上海静安店", parentId: 1, order: 2 },
    { departmentId: 102, name: "北京三里屯店", parentId: 1, order: 1 },
  ]);
  await Employee.create([
    { userId: "mgrA", name: "张店长", position: "店长", departmentIds: [101], mainDepartmentId: 101, role: "guide" },
    { userId: "guideA", name: "导购小王", position: "导购", departmentIds: [101], mainDepartmentId: 101, role: "guide" },
    { userId: "mgrB", name: "赵店长", position: "店长", departmentIds: [102], mainDepartmentId: 102, role: "guide" },
    { userId: "guideB", name: "导购小李", position: "导购", departmentIds: [102], mainDepartmentId: 102, role: "guide" },
  ]);
  const joined = (days: number) => new Date(Date.now() - days * 86_400_000);
  await Member.create([
    { memberNo: "M00000001", name: "王小姐", levelCode: "silver", growth: 4380, points: 1234, homeStoreId: "101", guideUserIds: ["guideA"], joinedAt: joined(40) },
    { memberNo: "M00000003", name: "陈女士", levelCode: "regular", growth: 300, points: 300, homeStoreId: "101", guideUserIds: ["guideA"], joinedAt: joined(30) },
    { memberNo: "M00000002", name: "李先生", levelCode: "gold", growth: 6000, points: 800, homeStoreId: "102", guideUserIds: ["guideB"], joinedAt: joined(20) },
    { memberNo: "M00000004", name: "周女士", levelCode: "regular", growth: 0, points: 0, homeStoreId: "102", guideUserIds: ["guideB"], joinedAt: joined(10) },
  ]);
}

const byTest = (page: Page, name: string) => page.locator(`[data-test="${name}"]`);
const attributes = (page: Page, name: string, attribute: string) =>
  byTest(page, name).evaluateAll((elements, key) => elements.map((element) => element.getAttribute(key)), attribute);

describe("the console in a browser", function () {
  this.timeout(60_000);
  const suite = useBrowser();

  beforeEach(seedTwoStores);

  it("should make the first admin, let them appoint a store manager, and show that manager only their store", async () => {
    // The first admin: no session, so the console shows its login page with the bootstrap form.
    const admin = await suite.newPage("console");
    await admin.goto(`${suite.server.url}/console/`);
    await byTest(admin, "bootstrap-token").fill(API_TOKEN);
    await byTest(admin, "bootstrap-userid").fill("boss");
    await byTest(admin, "bootstrap-submit").click();
    await byTest(admin, "current-user").waitFor();
    assert.equal(await byTest(admin, "current-user").innerText(), "boss");
    assert.equal((await Employee.findOne({ userId: "boss" }).lean())?.role, "admin");

    // 组织与权限: every store and employee; mgrA becomes manager of store 101 through the dialog.
    await byTest(admin, "nav-org").click();
    await admin.locator('[data-test="employee-row"][data-user-id="mgrA"]').waitFor();
    assert.deepEqual((await attributes(admin, "employee-row", "data-user-id")).sort(), ["boss", "guideA", "guideB", "mgrA", "mgrB"]);
    await admin.locator('[data-test="employee-row"][data-user-id="mgrA"] [data-test="role-edit"]').click();
    await byTest(admin, "role-select").click();
    await byTest(admin, "role-option-manager").click();
    await byTest(admin, "store-select").click();
    await byTest(admin, "store-option-101").click();
    // The store list stays open after a pick and covers 保存; a click on the title closes it.
    await admin.locator(".el-dialog__title", { hasText: "设置角色" }).click();
    await byTest(admin, "role-save").click();
    await admin.locator('[data-test="employee-row"][data-user-id="mgrA"] [data-test="employee-role"][data-role="manager"]').waitFor();
    assert.match(await admin.locator('[data-test="employee-row"][data-user-id="mgrA"]').innerText(), /店长[\s\S]*上海静安店/);
    const manager = await Employee.findOne({ userId: "mgrA" }).lean();
    assert.equal(manager?.role, "manager");
    assert.deepEqual(manager?.scopeStoreIds, ["101"]);
    assert.equal(await RoleChange.countDocuments({}), 1, "the change is recorded");
    await screenshot(admin, "console-org.png");

    // mgrA logs in by scanning WeCom's QR code, in a browser of their own.
    const page = await suite.newPage("console", { wecomUserId: "mgrA" });
    await page.goto(`${suite.server.url}/console/`);
    await byTest(page, "login-qr").click();
    await byTest(page, "current-user").waitFor();
    assert.equal(await byTest(page, "current-user").innerText(), "张店长");
    assert.equal(await byTest(page, "current-role").innerText(), "店长");
    assert.deepEqual(
      suite.logins.map((login) => [login.mode, login.userId, login.url.searchParams.get("login_type")]),
      [["qr", "mgrA", "CorpApp"]],
    );
    assert.equal(await Session.countDocuments({ userId: "mgrA", via: "qr" }), 1);
    assert.deepEqual(await attributes(page, "nav-org", "data-test"), ["nav-org"]);
    assert.equal(await byTest(page, "nav-program").count(), 0, "a manager has no 会员体系 menu");

    // Their org page: store 101 and its people only, read-only.
    await byTest(page, "nav-org").click();
    await page.locator('[data-test="employee-row"][data-user-id="mgrA"]').waitFor();
    assert.deepEqual((await attributes(page, "employee-row", "data-user-id")).sort(), ["guideA", "mgrA"]);
    assert.deepEqual(await attributes(page, "store-node", "data-store-id"), ["101"]);
    assert.equal(await byTest(page, "role-edit").count(), 0, "a manager cannot change roles");
    await screenshot(page, "console-org-manager.png");

    // Their members page: members whose home store is 101, even when searched for by name.
    await byTest(page, "nav-members").click();
    await page.locator('[data-test="member-row"][data-member-no="M00000001"]').waitFor();
    assert.deepEqual((await attributes(page, "member-row", "data-member-no")).sort(), ["M00000001", "M00000003"]);
    assert.doesNotMatch(await page.locator("body").innerText(), /李先生|周女士/);
    await screenshot(page, "console-members.png");
    await byTest(page, "member-search").fill("李先生");
    await page.getByText("没有符合条件的会员").waitFor();
    await waitForCount(page, '[data-test="member-row"]', 0);
    await byTest(page, "member-search").fill("陈");
    await page.locator('[data-test="member-row"][data-member-no="M00000003"]').waitFor();
    assert.deepEqual(await attributes(page, "member-row", "data-member-no"), ["M00000003"]);

    // Logging out ends the session on the server, and the console asks to log in again.
    await byTest(page, "logout").click();
    await byTest(page, "login-qr").waitFor();
    assert.equal(await Session.countDocuments({ userId: "mgrA" }), 0);
    suite.assertCleanRun();
  });

  it("should tell someone WeCom does not know as a member of the corp why the QR login failed", async () => {
    const page = await suite.newPage("console", { wecomAnswer: { errcode: 0, errmsg: "ok", openid: "oOutsider" } });
    await page.goto(`${suite.server.url}/console/`);
    await byTest(page, "login-qr").click();
    await byTest(page, "login-error").waitFor();
    assert.match(await byTest(page, "login-error").innerText(), /您不是本企业的成员，无法登录/);
    assert.equal(suite.logins.length, 1);
    assert.equal(await byTest(page, "current-user").count(), 0);
    assert.equal(await Session.countDocuments({}), 0);
    suite.assertCleanRun();
  });
});
