import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { Member } from "../../server/models/Member.ts";
import { Customer } from "../../server/models/Customer.ts";
import { Employee } from "../../server/models/Employee.ts";
import { Follow } from "../../server/models/Follow.ts";
import { LedgerEntry } from "../../server/models/LedgerEntry.ts";
import { ProgramSettings } from "../../server/models/ProgramSettings.ts";
import { bootstrapAdminPage, type BrowserSuite, byTest, fieldError, useBrowser } from "../support/browser.ts";
import { API_TOKEN } from "../support/server.ts";


const adminPage = (suite: BrowserSuite) => bootstrapAdminPage(suite, { token: API_TOKEN });

/** Type into an el-input-number as a person does, and leave it (the moment it used to clamp). */
async function typeNumber(page: Page, selector: string, value: string): Promise<void> {
  await page.locator(`${selector} input`).fill(value);
  await page.locator(`${selector} input`).press("Tab");
}

describe("the console's number inputs in a browser", function () {
  this.timeout(90_000);
  const suite = useBrowser();

  it("should refuse spending more points than the balance at the field, and spend only after a confirmation naming the amount and the member", async () => {
    await Member.create({ memberNo: "M00000001", name: "王小姐", levelCode: "silver", growth: 4380, points: 1234, joinedAt: new Date(), externalUserIds: ["wmWang"] });
    await Employee.create({ userId: "zhengshuang", name: "郑爽", departmentIds: [101], role: "guide" });
    await Customer.create({ externalUserId: "wmWang", name: "王小姐" });
    await Follow.create({ externalUserId: "wmWang", userId: "zhengshuang", tagIds: [], status: "active" });
    const page = await adminPage(suite);
    await page.goto(`${suite.server.url}/console/#/members/M00000001`);
    // The member's guide goes by name, not by WeCom account.
    await byTest(page, "member-follow-guide").waitFor();
    assert.equal(await byTest(page, "member-follow-guide").innerText(), "导购 郑爽：");
    await byTest(page, "points-spend").click();
    await typeNumber(page, '[data-test="points-amount"]', "999999");
    assert.equal(await page.locator('[data-test="points-amount"] input').inputValue(), "999999", "the amount is not clamped to the balance");
    await byTest(page, "points-reason").fill("兑换礼品");
    await byTest(page, "points-submit").click();
    await fieldError(page, "field-points-amount").waitFor();
    assert.equal(await fieldError(page, "field-points-amount").innerText(), "超过当前积分 1,234，无法扣除");
    assert.equal(await page.locator(".el-message-box").count(), 0, "nothing to confirm");

    // A valid amount asks first; cancelling spends nothing.
    await typeNumber(page, '[data-test="points-amount"]', "500");
    await fieldError(page, "field-points-amount").waitFor({ state: "detached" });
    await byTest(page, "points-submit").click();
    const box = page.locator(".el-message-box");
    await box.waitFor();
    assert.match(await box.innerText(), /确认从 王小姐 的账户扣除 500 积分？/);
    await box.getByRole("button", { name: "取消" }).click();
    await box.waitFor({ state: "hidden" });
    assert.equal((await Member.findOne({ memberNo: "M00000001" }).lean())?.points, 1234, "nothing spent before the confirmation");
    assert.equal(await LedgerEntry.countDocuments({}), 0);

    await byTest(page, "points-submit").click();
    await box.getByRole("button", { name: "确认扣除" }).click();
    await page.getByText("已扣减 500 积分，当前余额 734").waitFor();
    assert.equal((await Member.findOne({ memberNo: "M00000001" }).lean())?.points, 734);
    suite.assertCleanRun();
  });

  it("should keep a negative points expiry as typed and refuse it at the field instead of saving 永不过期", async () => {
    const page = await adminPage(suite);
    await byTest(page, "nav-program").click();
    await byTest(page, "program-levels").waitFor();
    await typeNumber(page, '[data-test="program-points-expiry"]', "-5");
    assert.equal(await page.locator('[data-test="program-points-expiry"] input').inputValue(), "-5", "not clamped to 0");
    await byTest(page, "program-save").click();
    await fieldError(page, "field-points-expiry").waitFor();
    assert.equal(await fieldError(page, "field-points-expiry").innerText(), "积分有效期不能小于 0");

    await typeNumber(page, '[data-test="program-points-expiry"]', "12");
    await typeNumber(page, '[data-test="program-growth-per-yuan"]', "99999999");
    assert.equal(await page.locator('[data-test="program-growth-per-yuan"] input').inputValue(), "99999999.00", "not clamped to 100");
    await byTest(page, "program-save").click();
    await fieldError(page, "field-growth").waitFor();
    assert.match(await fieldError(page, "field-growth").innerText(), /不能超过 100/);
    assert.equal(await ProgramSettings.countDocuments({}), 0, "nothing was saved");
    suite.assertCleanRun();
  });
});
