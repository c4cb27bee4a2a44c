// The console's 离职继承 for a store manager in a browser at 1440 and 400 px, WeCom behind nock:
// 同步待分配 brings the departed guide and their customers, one customer goes to a picked guide
// and the rest 按门店导购轮流分配, 查询结果 shows each outcome (已接替, 客户拒绝, 等待接替,
// 接替成员已满 with the reason), a refused customer is retried with another guide, the guide's
// group is handed over; a guide who left only groups is listed with their groups' names and the
// groups go to a new owner. Screenshots go to docs/screenshots/transfers-*.png.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { Customer } from "../../server/models/Customer.ts";
import { Employee } from "../../server/models/Employee.ts";
import { Follow } from "../../server/models/Follow.ts";
import { aGroup } from "../support/factories.ts";
import { byTest, useBrowser, type BrowserSuite } from "../support/browser.ts";
import { nockToken, wecomApi } from "../support/wecomNock.ts";
import { nockContactUsers, nockTransferCalls, nockTransferResults, nockUnassigned, seedDirectory } from "../transfers/world.ts";

const DOCS_SHOTS = path.resolve(import.meta.dirname, "..", "..", "docs", "screenshots");
const CUSTOMERS: [string, string][] = [
  ["wmA", "周雨晴"],
  ["wmB", "吴建国"],
  ["wmC", "郑美玲"],
  ["wmD", "冯晓东"],
  ["wmE", "陈思远"],
];
const DIMISSION = Math.floor(Date.now() / 1000) - 2 * 86_400;

async function shot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(DOCS_SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(DOCS_SHOTS, name), fullPage: true });
}

/** Screenshots without the toasts of the steps before. */
async function toastsGone(page: Page): Promise<void> {
  await page.locator(".el-message").first().waitFor({ state: "detached", timeout: 15_000 });
  await page.locator(".el-overlay:visible").first().waitFor({ state: "detached", timeout: 5_000 }).catch(() => undefined);
}

async function confirmBox(page: Page): Promise<void> {
  await page.locator(".el-message-box").getByRole("button", { name: "确认转接" }).click();
}

async function chooseOption(page: Page, select: ReturnType<typeof byTest>, name: string): Promise<void> {
  // The selects are filterable: type the name, then take the one option left with the keyboard
  // (a dropdown near the window's bottom keeps moving while it settles, so a click may miss it).
  await select.click();
  await page.locator(".el-select-dropdown__item", { hasText: name }).filter({ visible: true }).waitFor();
  await page.keyboard.type(name);
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Enter");
  await select.locator(".el-select__selected-item", { hasText: name }).first().waitFor();
}

/** The manager's console at 1440 px on 离职继承, nothing synced yet. */
async function openTransfers(suite: BrowserSuite): Promise<Page> {
  const page = await suite.newPage("console", { wecomUserId: "mgr101" });
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(`${suite.server.url}/console/`);
  await byTest(page, "login-qr").click();
  await byTest(page, "nav-transfers").click();
  await byTest(page, "state-empty").first().waitFor();
  return page;
}

/** WeCom's groupchat/transfer moving every group, once. */
function nockGroupTransfer(): unknown[] {
  const calls: unknown[] = [];
  wecomApi()
    .post("/cgi-bin/externalcontact/groupchat/transfer", (body) => {
      calls.push(body);
      return true;
    })
    .query(true)
    .reply(200, { errcode: 0, errmsg: "ok", failed_chat_list: [] });
  return calls;
}

/** The outcome rows as 客户:状态:原因. */
async function outcomes(page: Page): Promise<string[]> {
  const rows = byTest(page, "outcomes-table").locator(".el-table__body-wrapper tbody tr");
  const texts: string[] = [];
  for (let index = 0; index < (await rows.count()); index += 1) {
    const cells = rows.nth(index).locator("td");
    texts.push(`${(await cells.nth(0).innerText()).trim()}:${(await cells.nth(3).innerText()).trim()}:${(await cells.nth(4).innerText()).trim()}`);
  }
  return texts.sort();
}

describe("the console's 离职继承 for a store manager in a browser", function () {
  this.timeout(240_000);
  const suite = useBrowser();

  beforeEach(async () => {
    await seedDirectory();
    await Employee.create({ userId: "mgr101", name: "刘店长", role: "manager", scopeStoreIds: ["101"], departmentIds: [101], mainDepartmentId: 101 });
    await Customer.create(CUSTOMERS.map(([externalUserId, name]) => ({ externalUserId, name })));
    await Follow.create(CUSTOMERS.map(([externalUserId]) => ({ externalUserId, userId: "gone1", status: "active" as const, addedAt: new Date() })));
    await aGroup("chat-j", "gone1", ["wmA", "wmB"], "静安老客福利群");
    nockToken();
    nockContactUsers();
    nockUnassigned(CUSTOMERS.map(([externalUserId]) => ({ handover_userid: "gone1", external_userid: externalUserId, dimission_time: DIMISSION })), 1000);
  });

  it("should sync the departed guide, hand their customers over by pick and in turn, show each outcome with its reason, retry a refusal and move the group", async () => {
    const calls = nockTransferCalls("/cgi-bin/externalcontact/resigned/transfer_customer", (id) => (id === "wmE" ? 40099 : 0));
    const page = await openTransfers(suite);

    await byTest(page, "transfers-sync").click();
    await byTest(page, "departed-guide").first().waitFor();
    assert.match((await byTest(page, "departed-guide").first().innerText()).replace(/\s+/g, " "), /林离职 静安店 · .* 离职 5 位客户待交接 1 个客户群/);
    await byTest(page, "unassigned-table").locator("tbody tr").nth(4).waitFor();
    await toastsGone(page);
    await shot(page, "transfers-unassigned-1440.png");

    // 周雨晴 to 王小美 by hand (the picker lists only 李娜 and 王小美: 周杰 is disabled, 吴新 has no customer contact).
    const first = byTest(page, "unassigned-table").locator("tbody tr", { hasText: "周雨晴" });
    await first.locator("[data-test=row-takeover]").click();
    await page.locator(".el-select-dropdown__item:visible", { hasText: "王小美" }).waitFor();
    const offered = await page.locator(".el-select-dropdown__item:visible").allInnerTexts();
    assert.deepEqual(offered.map((text) => text.split(/\s/)[0]), ["李娜", "王小美"]);
    await page.locator(".el-select-dropdown__item:visible", { hasText: "王小美" }).click();
    await first.locator(".el-checkbox").click();
    await byTest(page, "transfer-picked").click();
    await confirmBox(page);
    await byTest(page, "outcomes-table").locator("tbody tr").first().waitFor();
    assert.deepEqual(calls.map((call) => [call.takeover_userid, call.external_userid]), [["ga1", ["wmA"]]]);

    // The other four in turn (周雨晴 is on her way: shown, not pickable).
    await page.getByRole("tab", { name: "待分配客户" }).click();
    await byTest(page, "row-transferring").waitFor();
    await byTest(page, "unassigned-table").locator("thead .el-checkbox").click();
    await byTest(page, "transfer-round-robin").click();
    await confirmBox(page);
    await page.locator(".el-message", { hasText: "已提交 3 位客户，1 位被企业微信拒绝" }).waitFor();

    // WeCom's results: 周雨晴 done, 吴建国 refused, 郑美玲 still waiting, 冯晓东 done.
    nockTransferResults("/cgi-bin/externalcontact/resigned/transfer_result", ["wmA", "wmB", "wmC", "wmD"], (id) => ({ wmA: 1, wmB: 3, wmC: 2, wmD: 1 })[id]);
    await byTest(page, "transfers-refresh").click();
    await page.locator(".el-message", { hasText: "已查询" }).waitFor();
    await byTest(page, "outcomes-table").locator("tbody tr", { hasText: "客户拒绝" }).waitFor();
    assert.deepEqual(await outcomes(page), [
      "冯晓东:已接替:—",
      "吴建国:客户拒绝:客户拒绝了转接",
      "周雨晴:已接替:—",
      "郑美玲:等待接替:—",
      "陈思远:接替成员已满:接替导购的客户数已达上限",
    ]);
    await toastsGone(page);
    await shot(page, "transfers-outcomes-1440.png");

    // 吴建国 again, to 李娜 this time.
    await byTest(page, "outcomes-table").locator("tbody tr", { hasText: "吴建国" }).locator("[data-test=outcome-retry]").click();
    await chooseOption(page, byTest(page, "retry-takeover"), "李娜");
    await byTest(page, "retry-submit").click();
    await page.locator(".el-message", { hasText: "已重新提交转接" }).waitFor();
    await byTest(page, "outcomes-table").locator("tbody tr", { hasText: "第 2 次" }).waitFor();
    assert.ok(calls.some((call) => call.takeover_userid === "ga2" && call.external_userid.includes("wmB")));

    // The group goes to 李娜.
    const groupCalls = nockGroupTransfer();
    await page.getByRole("tab", { name: "待分配客户" }).click();
    await byTest(page, "departed-groups").click();
    await byTest(page, "group-option").first().waitFor();
    await chooseOption(page, byTest(page, "group-takeover"), "李娜");
    await byTest(page, "group-transfer-submit").click();
    await page.locator(".el-message", { hasText: "已转接 1 个客户群" }).waitFor();
    assert.deepEqual(groupCalls, [{ chat_id_list: ["chat-j"], new_owner: "ga2" }]);

    // 在职转接: 王小美 hands 周雨晴 (hers now) to 李娜 with a word for the customer.
    const onjob = nockTransferCalls("/cgi-bin/externalcontact/transfer_customer");
    await page.getByRole("tab", { name: "在职转接" }).click();
    await chooseOption(page, byTest(page, "onjob-store"), "静安店");
    await chooseOption(page, byTest(page, "onjob-handover"), "王小美");
    await byTest(page, "onjob-customers").locator("tbody tr", { hasText: "周雨晴" }).locator(".el-checkbox").click();
    await chooseOption(page, byTest(page, "onjob-takeover"), "李娜");
    await byTest(page, "onjob-message").fill("您好，我是李娜，之后由我为您服务");
    await toastsGone(page);
    await shot(page, "transfers-onjob-1440.png");
    await byTest(page, "onjob-submit").click();
    await confirmBox(page);
    await page.locator(".el-message", { hasText: "已提交 1 位客户" }).waitFor();
    assert.deepEqual(onjob, [{ handover_userid: "ga1", takeover_userid: "ga2", external_userid: ["wmA"], transfer_success_msg: "您好，我是李娜，之后由我为您服务" }]);

    // 周雨晴 and 冯晓东 are with their new guides; 吴建国 is on his way again.
    await page.setViewportSize({ width: 400, height: 800 });
    await page.getByRole("tab", { name: "待分配客户" }).click();
    await byTest(page, "unassigned-card").filter({ hasText: "周雨晴" }).waitFor({ state: "detached" });
    assert.deepEqual((await byTest(page, "unassigned-card").locator(".card__name").allInnerTexts()).map((text) => text.trim()), ["吴建国", "郑美玲", "陈思远"]);
    await byTest(page, "unassigned-card").filter({ hasText: "转接中" }).filter({ hasText: "吴建国" }).waitFor();
    await toastsGone(page);
    await shot(page, "transfers-unassigned-400.png");
    await page.getByRole("tab", { name: "转接结果" }).click();
    await byTest(page, "outcome-card").first().waitFor();
    assert.equal(await byTest(page, "outcome-card").filter({ hasText: "客户拒绝" }).locator("[data-test=outcome-retry]").count(), 0, "the refused attempt is history once retried");
    await shot(page, "transfers-outcomes-400.png");
    suite.assertCleanRun();
  });

  it("should list a guide who left only customer groups, with the groups' names, and hand the groups to a new owner", async () => {
    // 孙离开 left 静安店 with no customers; WeCom holds their two groups as 离职待继承.
    await Employee.create({ userId: "gone3", name: "孙离开", mainDepartmentId: 101, departmentIds: [101], wecomStatus: 5 });
    await aGroup("chat-s1", "gone3", ["wmA", "wmB", "wmC"], "静安会员一群");
    await aGroup("chat-s2", "gone3", ["wmD"], "静安会员二群");
    const page = await openTransfers(suite);
    await byTest(page, "transfers-sync").click();
    await page.locator(".el-message", { hasText: "2 名离职导购，5 位待分配客户，3 个待继承客户群" }).waitFor();
    const card = byTest(page, "departed-guide").filter({ hasText: "孙离开" });
    await card.waitFor();
    assert.match((await card.innerText()).replace(/\s+/g, " "), /孙离开 静安店 · 已离职 0 位客户待交接 2 个客户群 静安会员一群、静安会员二群/);
    await toastsGone(page);
    await shot(page, "transfers-groups-only-1440.png");

    // On a phone the card still names the groups and opens them.
    await page.setViewportSize({ width: 400, height: 800 });
    await card.locator("[data-test=departed-group-names]").waitFor();
    assert.equal(await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), true, "no sideways scroll at 400 px");
    const groupCalls = nockGroupTransfer();
    await card.locator("[data-test=departed-groups]").click();
    await byTest(page, "group-option").nth(1).waitFor();
    assert.deepEqual((await byTest(page, "group-option").allInnerTexts()).map((text) => text.trim()), ["静安会员一群（3 位客户）", "静安会员二群（1 位客户）"]);
    await chooseOption(page, byTest(page, "group-takeover"), "王小美");
    await byTest(page, "group-transfer-submit").click();
    await page.locator(".el-message", { hasText: "已转接 2 个客户群" }).waitFor();
    assert.deepEqual(groupCalls, [{ chat_id_list: ["chat-s1", "chat-s2"], new_owner: "ga1" }]);
    // The outcomes tab shows each group; back on the list nothing is left to hand over.
    await byTest(page, "outcome-card").filter({ hasText: "静安会员二群" }).waitFor();
    await page.getByRole("tab", { name: "待分配客户" }).click();
    await card.filter({ hasText: "0 个客户群" }).waitFor();
    assert.equal(await card.locator("[data-test=departed-groups]").count(), 0, "nothing left to hand over");
    suite.assertCleanRun();
  });
});
