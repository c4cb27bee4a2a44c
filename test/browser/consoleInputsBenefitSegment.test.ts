import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { ProgramSettings } from "../../server/models/ProgramSettings.ts";
import { Segment } from "../../server/models/Segment.ts";
import { bootstrapAdminPage, type BrowserSuite, byTest, fieldError, screenshot, useBrowser } from "../support/browser.ts";
import { API_TOKEN } from "../support/server.ts";

const adminPage = (suite: BrowserSuite) => bootstrapAdminPage(suite, { token: API_TOKEN });

/** Type into an el-input-number as a person does, and leave it (the moment it used to clamp). */
async function typeNumber(page: Page, name: string, value: string): Promise<void> {
  await page.locator(`[data-test="${name}"] input`).fill(value);
  await page.locator(`[data-test="${name}"] input`).press("Tab");
}

const shown = (page: Page, name: string) => page.locator(`[data-test="${name}"] input`).inputValue();

describe("the benefit dialog's and the segment rule's number inputs in a browser", function () {
  this.timeout(120_000);
  const suite = useBrowser();

  it("should keep an out-of-range benefit number as typed, refuse it at its field in Chinese, and add nothing until it is fixed", async () => {
    const page = await adminPage(suite);
    await byTest(page, "nav-program").click();
    const benefits = page.locator('[data-test="program-benefits"] .el-table__body tr');
    await benefits.first().waitFor();
    const before = await benefits.count();
    await page.getByRole("button", { name: "添加权益" }).click();
    const dialog = page.locator(".el-dialog", { hasText: "添加权益" });
    await dialog.waitFor();
    await dialog.getByPlaceholder("小写字母、数字或下划线").fill("gold_tea");
    await dialog.getByPlaceholder("如 银卡专享券").fill("金卡下午茶");
    await dialog.locator(".el-checkbox", { hasText: "金卡会员" }).click();

    await typeNumber(page, "benefit-claim-days", "999");
    await typeNumber(page, "benefit-per-member", "0");
    await typeNumber(page, "benefit-value", "-5");
    assert.equal(await shown(page, "benefit-claim-days"), "999", "not clamped to 366");
    assert.equal(await shown(page, "benefit-per-member"), "0", "not clamped to 1");
    assert.equal(await shown(page, "benefit-value"), "-5.00", "not clamped to 0");
    await byTest(page, "benefit-confirm").click();
    await fieldError(page, "field-benefit-claim-days").waitFor();
    assert.equal(await fieldError(page, "field-benefit-claim-days").innerText(), "领取期不能超过 366 天");
    assert.equal(await fieldError(page, "field-benefit-per-member").innerText(), "每人可领次数不能少于 1 次");
    assert.equal(await fieldError(page, "field-benefit-value").innerText(), "价值不能小于 0");
    assert.equal(await shown(page, "benefit-claim-days"), "999", "still as typed after 确定");
    assert.ok(await dialog.isVisible(), "the dialog stays open");
    assert.equal(await benefits.count(), before, "no benefit added to the programme");
    await screenshot(page, "console-benefit-number-refused.png");

    // A limited stock past the server's bound is refused the same way.
    await typeNumber(page, "benefit-claim-days", "30");
    await typeNumber(page, "benefit-per-member", "2");
    await typeNumber(page, "benefit-value", "88");
    await dialog.locator(".el-switch").click();
    await typeNumber(page, "benefit-stock", "20000000");
    await fieldError(page, "field-benefit-claim-days").waitFor({ state: "detached" });
    await byTest(page, "benefit-confirm").click();
    await fieldError(page, "field-benefit-stock").waitFor();
    assert.equal(await fieldError(page, "field-benefit-stock").innerText(), "库存不能超过 10,000,000 件");
    assert.equal(await shown(page, "benefit-stock"), "20000000");
    // Element Plus lets a field's error fade out (a leave transition): wait for it to go, not count it at once.
    await fieldError(page, "field-benefit-value").waitFor({ state: "detached" });
    assert.equal(await benefits.count(), before);
    assert.equal(await ProgramSettings.countDocuments({}), 0, "nothing was saved");

    // Fixed, it joins the programme, which then saves with exactly what was typed.
    await typeNumber(page, "benefit-stock", "500");
    await byTest(page, "benefit-confirm").click();
    await dialog.waitFor({ state: "hidden" });
    assert.equal(await benefits.count(), before + 1);
    await byTest(page, "program-save").click();
    await page.getByText(/已保存为第 \d+ 版/).waitFor();
    const saved = (await ProgramSettings.findOne({}).sort({ _id: -1 }).lean())?.program as { benefits?: Array<Record<string, unknown>> } | undefined;
    const tea = saved?.benefits?.find((benefit) => benefit["code"] === "gold_tea");
    assert.deepEqual(
      { claimWindowDays: tea?.["claimWindowDays"], perMember: tea?.["perMember"], stock: tea?.["stock"], valueFen: tea?.["valueFen"] },
      { claimWindowDays: 30, perMember: 2, stock: 500, valueFen: 8800 },
    );
    suite.assertCleanRun();
  });

  it("should keep an out-of-range segment range as typed, refuse it at its condition in Chinese, and neither count nor save it", async () => {
    const page = await adminPage(suite);
    const posted: string[] = [];
    page.on("request", (request) => {
      if (request.method() === "POST" && request.url().endsWith("/api/console/segments")) {
        posted.push(request.url());
      }
    });
    await byTest(page, "nav-segments").click();
    await byTest(page, "segment-create").click();
    await byTest(page, "segment-name").fill("沉默会员");

    await typeNumber(page, "segment-points-min", "-5");
    assert.equal(await shown(page, "segment-points-min"), "-5", "not clamped to 0");
    await fieldError(page, "field-rule-points").waitFor();
    assert.equal(await fieldError(page, "field-rule-points").innerText(), "积分不能小于 0");

    await typeNumber(page, "segment-no-purchase", "5000");
    assert.equal(await shown(page, "segment-no-purchase"), "5000", "not clamped to 3650");
    await fieldError(page, "field-rule-no-purchase").waitFor();
    assert.equal(await fieldError(page, "field-rule-no-purchase").innerText(), "天数不能超过 3,650");

    await typeNumber(page, "segment-spent-min", "500");
    await typeNumber(page, "segment-spent-max", "100");
    await fieldError(page, "field-rule-spent").waitFor();
    assert.equal(await fieldError(page, "field-rule-spent").innerText(), "最高累计消费不能小于最低累计消费");
    assert.match(await byTest(page, "segment-count").innerText(), /条件有误：请修正标红的条件/);

    await byTest(page, "segment-save").click();
    await page.getByText("保存失败：请修正标红的条件").waitFor();
    assert.ok(await byTest(page, "segment-dialog").isVisible(), "the dialog stays open");
    assert.deepEqual(posted, [], "nothing was sent to be saved");
    assert.equal(await Segment.countDocuments({}), 0, "nothing was saved");
    await screenshot(page, "console-segment-number-refused.png");

    // Fixed, the count comes back and the segment saves the rule as typed.
    await typeNumber(page, "segment-points-min", "0");
    await typeNumber(page, "segment-no-purchase", "90");
    await typeNumber(page, "segment-spent-max", "800");
    await fieldError(page, "field-rule-spent").waitFor({ state: "detached" });
    await page.getByText("保存失败：请修正标红的条件").waitFor({ state: "detached" });
    await byTest(page, "segment-save").click();
    await byTest(page, "segment-dialog").waitFor({ state: "hidden" });
    assert.deepEqual((await Segment.findOne({}).lean())?.rule, { points: { min: 0 }, spentFen: { min: 50_000, max: 80_000 }, noPurchaseForDays: 90 });
    suite.assertCleanRun();
  });
});
