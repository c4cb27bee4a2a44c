import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { Department } from "../../server/models/Department.ts";
import { Employee } from "../../server/models/Employee.ts";
import { Member } from "../../server/models/Member.ts";
import { QuickReplyFolder } from "../../server/models/QuickReplyFolder.ts";
import { bootstrapAdminPage, type BrowserSuite, byTest, useBrowser } from "../support/browser.ts";
import { API_TOKEN } from "../support/server.ts";

const DOCS_SCREENSHOTS = path.resolve(import.meta.dirname, "..", "..", "docs", "screenshots");
const LAYOUT_SCREENSHOTS = path.resolve(import.meta.dirname, "..", "..", "test-results", "screenshots", "layout");

/** The README's pictures of the console, kept in docs/screenshots/. */
async function docsScreenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(DOCS_SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(DOCS_SCREENSHOTS, name), fullPage: false });
}

async function seed(): Promise<void> {
  await Department.create([
    { departmentId: 1, name: "沙盒美妆", parentId: 0, order: 10 },
    { departmentId: 101, name: "上海南京西路店", parentId: 1, order: 2 },
    { departmentId: 102, name: "北京三里屯太古里店", parentId: 1, order: 1 },
  ]);
  await Employee.create([
    { userId: "zhangxiaomei", name: "张晓梅", position: "资深美容顾问", departmentIds: [101], mainDepartmentId: 101, role: "manager" as const, scopeStoreIds: ["101", "102"] },
    { userId: "liting", name: "李婷", position: "美容顾问", departmentIds: [102], mainDepartmentId: 102, role: "guide" as const },
  ]);
  await Member.create([
    { memberNo: "M00000001", name: "王小姐", levelCode: "silver", growth: 4380, points: 1234, homeStoreId: "101", joinedAt: new Date() },
    { memberNo: "M00000002", name: "李先生", levelCode: "gold", growth: 6000, points: 800, homeStoreId: "102", joinedAt: new Date() },
  ]);
}

const adminPage = (suite: BrowserSuite) => bootstrapAdminPage(suite, { token: API_TOKEN });

/** How many lines a cell's text takes (the tests compile without DOM types, so the page runs a string). */
const linesOf = async (page: Page, selector: string) =>
  Number(
    await page.evaluate(`(() => {
      const cell = document.querySelector(${JSON.stringify(selector)});
      const range = document.createRange();
      range.selectNodeContents(cell);
      return new Set([...range.getClientRects()].map((rect) => Math.round(rect.top))).size;
    })()`),
  );

describe("the console's layout in a browser", function () {
  this.timeout(180_000);
  const suite = useBrowser();
  beforeEach(seed);

  it("should keep 已激活 and the role on one line in the org table at 1440 px", async () => {
    const page = await adminPage(suite);
    await page.setViewportSize({ width: 1440, height: 900 });
    await byTest(page, "nav-org").click();
    await page.locator('[data-test="employee-row"][data-user-id="liting"]').waitFor();
    assert.equal(await linesOf(page, '[data-test="employee-row"][data-user-id="liting"] [data-test="employee-status"]'), 1);
    assert.equal(await page.locator('[data-test="employee-row"][data-user-id="liting"] [data-test="employee-status"]').innerText(), "已激活");
    await docsScreenshot(page, "console-org-1440.png");
    suite.assertCleanRun();
  });

  it("should fit every console page in 400 px and 1440 px without sideways scrolling of the page", async () => {
    const page = await adminPage(suite);
    fs.mkdirSync(LAYOUT_SCREENSHOTS, { recursive: true });
    for (const [width, route] of [400, 1440].flatMap((each) => ["home", "members", "members/M00000001", "program", "tags", "segments", "org", "quick-replies"].map((path) => [each, path] as const))) {
      await page.setViewportSize({ width, height: 860 });
      await page.goto(`${suite.server.url}/console/#/${route}`);
      // Until the page's data is in, skeletons stand in for it; the picture is of the page loaded.
      // (The console's CSP forbids eval, so no waitForFunction with a string: poll instead.)
      await page.waitForTimeout(300);
      for (let tries = 0; tries < 50 && Number(await page.evaluate('document.querySelectorAll(".el-skeleton").length')) > 0; tries += 1) {
        await page.waitForTimeout(200);
      }
      const scrolled = Number(await page.evaluate("document.documentElement.scrollWidth"));
      await page.screenshot({ path: path.join(LAYOUT_SCREENSHOTS, `${width}-${route.replace("/", "-")}.png`), fullPage: true });
      assert.ok(scrolled <= width, `${route}: the page is ${scrolled} px wide at ${width} px`);
    }
    await page.setViewportSize({ width: 400, height: 860 });
    await page.goto(`${suite.server.url}/console/#/members`);
    await page.locator('[data-test="member-row"][data-member-no="M00000001"]').waitFor();
    await docsScreenshot(page, "console-members-400.png");
    suite.assertCleanRun();
  });

  it("should keep the 话术分组 prompt open with what was typed when the name is taken", async () => {
    await QuickReplyFolder.create({ name: "护肤" });
    const page = await adminPage(suite);
    await byTest(page, "nav-quickReplies").click();
    await byTest(page, "folder-create").click();
    const box = page.locator(".el-message-box");
    await box.locator("input").fill("护肤");
    await box.getByRole("button", { name: "确定" }).click();
    await box.locator(".el-message-box__errormsg", { hasText: "已存在名为「护肤」的分组，请换一个名称" }).waitFor();
    assert.ok(await box.isVisible(), "the prompt stays open");
    assert.equal(await box.locator("input").inputValue(), "护肤", "what was typed is kept");
    await box.locator("input").fill("护肤心得");
    await box.getByRole("button", { name: "确定" }).click();
    await box.waitFor({ state: "hidden" });
    await page.locator('[data-test="folder-item"]', { hasText: "护肤心得" }).waitFor();
    assert.equal(await QuickReplyFolder.countDocuments({}), 2);
    suite.assertCleanRun();
  });
});
