import assert from "node:assert/strict";
import type { Response } from "playwright-core";
import { ProgramSettings } from "../../server/models/ProgramSettings.ts";
import { Segment } from "../../server/models/Segment.ts";
import { bootstrapAdminPage, type BrowserSuite, byTest, fieldError, screenshot, useBrowser } from "../support/browser.ts";
import { API_TOKEN } from "../support/server.ts";

/** The message Element Plus shows under a form item. */
/** The server's refusal for a request, as it said it (the page shows it in other words). */
const refusal = async (response: Promise<Response>) => ((await (await response).json()) as { error: string; message: string });

const adminPage = (suite: BrowserSuite) => bootstrapAdminPage(suite, { token: API_TOKEN });

describe("the console's refusals in a browser", function () {
  this.timeout(60_000);
  const suite = useBrowser();

  it("should show a refused programme setting in Chinese at its field, and save nothing", async () => {
    const page = await adminPage(suite);
    await byTest(page, "nav-program").click();
    await byTest(page, "program-levels").waitFor();

    // Out of range: 20,000 growth per task, over the bound of 10,000 (LIMITS.perActivity).
    await page.locator('[data-test="program-growth-per-task"] input').fill("20000");
    await page.locator('[data-test="program-growth-per-task"] input').press("Tab");
    const answer = page.waitForResponse((response) => response.url().endsWith("/api/console/program") && response.request().method() === "PUT");
    await byTest(page, "program-save").click();
    assert.deepEqual(await refusal(answer), { ok: false, status: 400, error: "validation_error", message: "growth.perTask: 不能超过 10,000" });
    await fieldError(page, "field-growth").waitFor();
    assert.equal(await fieldError(page, "field-growth").innerText(), "每完成任务所得成长值不能超过 10,000");
    await screenshot(page, "console-program-field-error.png");

    // A rule the server words in English ("must be above the previous level's"): the third
    // level's threshold below the second's. The page says it in Chinese, under that cell.
    await page.locator('[data-test="program-growth-per-task"] input').fill("10");
    await page.locator('[data-test="program-growth-per-task"] input').press("Tab");
    await page.locator('[data-test="program-level-2-threshold"] input').fill("500");
    await page.locator('[data-test="program-level-2-threshold"] input').press("Tab");
    const second = page.waitForResponse((response) => response.url().endsWith("/api/console/program") && response.request().method() === "PUT");
    await byTest(page, "program-save").click();
    assert.equal((await refusal(second)).message, "levels.2.threshold: must be above the previous level's");
    await fieldError(page, "field-levels-2-threshold").waitFor();
    assert.equal(await fieldError(page, "field-levels-2-threshold").innerText(), "第 3 个等级的成长值门槛须高于上一个等级");
    await fieldError(page, "field-growth").waitFor({ state: "detached" });
    assert.doesNotMatch(await page.locator("body").innerText(), /must be|is required|not found/, "no English reaches the page");

    // Two refusals in one save: each shows at its own field at once, not one per save.
    await page.locator('[data-test="program-level-2-threshold"] input').fill("5000");
    await page.locator('[data-test="program-level-2-threshold"] input').press("Tab");
    await page.locator('[data-test="program-growth-per-task"] input').fill("20000");
    await page.locator('[data-test="program-growth-per-task"] input').press("Tab");
    await page.locator('[data-test="program-points-expiry"] input').fill("-5");
    await page.locator('[data-test="program-points-expiry"] input').press("Tab");
    const third = page.waitForResponse((response) => response.url().endsWith("/api/console/program") && response.request().method() === "PUT");
    await byTest(page, "program-save").click();
    const both = (await (await third).json()) as { errors?: string[] };
    assert.equal(both.errors?.length, 2, JSON.stringify(both));
    await fieldError(page, "field-growth").waitFor();
    await fieldError(page, "field-points-expiry").waitFor();
    assert.match(await fieldError(page, "field-points-expiry").innerText(), /积分有效期/);
    assert.equal(await ProgramSettings.countDocuments({}), 0, "nothing was saved");
    suite.assertCleanRun();
  });

  it("should show a segment's missing level in Chinese at the level picker", async () => {
    const page = await adminPage(suite);
    await byTest(page, "nav-segments").click();
    await byTest(page, "segment-create").click();
    // Element Plus puts an el-input's attributes on its <input>.
    await byTest(page, "segment-name").fill("高等级会员");
    // 某等级及以上 with no level picked: the count is refused, and the level picker says why.
    const preview = page.waitForResponse((response) => response.url().endsWith("/api/console/segments/preview") && response.status() === 400);
    await byTest(page, "segment-level-min").click();
    assert.equal((await refusal(preview)).message, "minLevel: is required");
    await fieldError(page, "field-rule-min-level").waitFor();
    assert.equal(await fieldError(page, "field-rule-min-level").innerText(), "最低等级不能为空");

    // Saving anyway is refused the same way, at the same place ("rule.minLevel"), and nothing is saved.
    const save = page.waitForResponse((response) => response.url().endsWith("/api/console/segments") && response.request().method() === "POST");
    await byTest(page, "segment-save").click();
    assert.equal((await refusal(save)).message, "rule.minLevel: is required");
    assert.equal(await fieldError(page, "field-rule-min-level").innerText(), "最低等级不能为空");
    assert.doesNotMatch(await byTest(page, "segment-dialog").innerText(), /required|minLevel/);
    await screenshot(page, "console-segment-field-error.png");

    // Picking a level clears it and the segment saves.
    await byTest(page, "segment-min-level").click();
    await page.locator(".el-select-dropdown__item", { hasText: "金卡会员及以上" }).click();
    await fieldError(page, "field-rule-min-level").waitFor({ state: "detached" });
    await byTest(page, "segment-save").click();
    await byTest(page, "segment-dialog").waitFor({ state: "hidden" });
    assert.deepEqual((await Segment.findOne({}).lean())?.rule, { minLevel: "gold" });
    suite.assertCleanRun();
  });
});
