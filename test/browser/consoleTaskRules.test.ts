// The console's 任务规则 in a browser at 1440 and 400 px: an operator sees a card per kind with the
// defaults, a template naming a variable that does not exist is refused at its field (nothing
// saved), a variable chip goes in at the cursor and the preview fills it for the sample member,
// and the rules are saved as a version; a store manager reads them without a save button.
// Screenshots go to docs/screenshots/task-rules-*.png.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { Employee } from "../../server/models/Employee.ts";
import { TaskSettings } from "../../server/models/TaskSettings.ts";
import { byTest, fieldError, useBrowser } from "../support/browser.ts";
import { nockToken } from "../support/wecomNock.ts";

const DOCS_SHOTS = path.resolve(import.meta.dirname, "..", "..", "docs", "screenshots");

async function shot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(DOCS_SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(DOCS_SHOTS, name), fullPage: true });
}

describe("the console's 任务规则 in a browser", function () {
  this.timeout(180_000);
  const suite = useBrowser();
  /** Log in with WeCom as the employee at 1440 px and open 任务 from the menu. */
  async function openRules(wecomUserId: string): Promise<Page> {
    const page = await suite.newPage("console", { wecomUserId });
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(`${suite.server.url}/console/`);
    await byTest(page, "login-qr").click();
    await byTest(page, "nav-tasks").click();
    await byTest(page, "rule-silent").waitFor();
    return page;
  }

  beforeEach(async () => {
    nockToken();
    await Employee.create([
      { userId: "opA", name: "唐运营", role: "operator" },
      { userId: "mgrA", name: "周店长", role: "manager", scopeStoreIds: ["101"] },
    ]);
  });

  it("should refuse an unknown variable at its field, insert a chip with a live preview, and save a version", async () => {
    const page = await openRules("opA");
    assert.equal(await page.locator('[data-test^="rule-"][data-test$="-enabled"]').count(), 6);
    assert.match((await byTest(page, "preview-repurchaseDue").textContent()) ?? "", /再消费¥380就能升级金卡会员/);

    const birthday = byTest(page, "field-birthday-template").locator("textarea");
    await birthday.fill("{客户昵称}生日快乐！送您一张{优惠券}");
    await byTest(page, "task-rules-save").click();
    await fieldError(page, "field-birthday-template").waitFor();
    assert.match((await fieldError(page, "field-birthday-template").textContent()) ?? "", /没有变量 \{优惠券\}/);
    assert.equal(await TaskSettings.countDocuments(), 0, "nothing saved");
    await shot(page, "task-rules-error-1440.png");

    await birthday.fill("{客户昵称}，生日快乐！");
    // Put {会员等级} after "生日快乐！" through its chip.
    await birthday.focus();
    await page.keyboard.press("End");
    await byTest(page, "chip-birthday-{会员等级}").click();
    assert.equal(await birthday.inputValue(), "{客户昵称}，生日快乐！{会员等级}");
    await birthday.pressSequentially("专属礼物已备好");
    assert.equal((await byTest(page, "preview-birthday").textContent())?.trim(), "王小美，生日快乐！银卡会员专属礼物已备好");
    const window = byTest(page, "field-birthday-daysAhead").locator("input");
    await window.fill("7");
    await window.blur();
    await byTest(page, "rule-greeting-enabled").click();
    // The refusal's toast and the chip's tooltip go before the shot.
    await page.mouse.move(0, 0);
    await page.locator(".el-message").first().waitFor({ state: "detached", timeout: 15_000 });
    await page.locator(".el-popper:visible").first().waitFor({ state: "detached", timeout: 5_000 }).catch(() => undefined);
    await shot(page, "task-rules-1440.png");
    await byTest(page, "task-rules-save").click();
    await page.getByText("第 1 版").first().waitFor();
    const saved = await TaskSettings.findById(1).lean();
    const rules = saved?.rules as { birthday: { template: string; daysAhead: number }; greeting: { enabled: boolean } };
    assert.deepEqual([rules.birthday.template, rules.birthday.daysAhead, rules.greeting.enabled], ["{客户昵称}，生日快乐！{会员等级}专属礼物已备好", 7, false]);

    await page.setViewportSize({ width: 400, height: 800 });
    await byTest(page, "rule-birthday").waitFor();
    // The toasts go before the shot.
    await page.locator(".el-message").first().waitFor({ state: "detached", timeout: 15_000 });
    await shot(page, "task-rules-400.png");
    suite.assertCleanRun();
  });

  it("should let a store manager read the rules without saving", async () => {
    const page = await openRules("mgrA");
    assert.equal(await byTest(page, "task-rules-save").count(), 0);
    assert.equal(await byTest(page, "field-birthday-template").locator("textarea").isDisabled(), true);
    suite.assertCleanRun();
  });
});
