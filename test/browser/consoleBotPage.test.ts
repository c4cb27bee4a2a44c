import assert from "node:assert/strict";
import { BotRule } from "../../server/models/BotRule.ts";
import { Department } from "../../server/models/Department.ts";
import { Employee } from "../../server/models/Employee.ts";
import { LuckyDraw } from "../../server/models/LuckyDraw.ts";
import { byTest, screenshot, useBrowser } from "../support/browser.ts";

describe("the console's 群机器人 page for an operator in a browser", function () {
  this.timeout(120_000);
  const suite = useBrowser();
  beforeEach(async () => {
    await Department.create({ departmentId: 1, name: "某某美妆", parentId: 0 });
    await Employee.create({ userId: "opA", name: "唐运营", departmentIds: [1], mainDepartmentId: 1, role: "operator" });
    await LuckyDraw.create({ slug: "xmas-2026", name: "圣诞大转盘", startsAt: new Date("2026-12-01"), endsAt: new Date("2026-12-31"), status: "active" });
  });

  it("should say the bot is not configured, refuse an empty keyword at its field, and save a 抽奖 rule with a picked draw", async () => {
    const page = await suite.newPage("console", { wecomUserId: "opA" });
    await page.goto(`${suite.server.url}/console/`);
    await byTest(page, "login-qr").click();
    await byTest(page, "nav-bot").click();
    await page.getByText("还没有配置群机器人").waitFor();
    assert.equal(await byTest(page, "bot-state").innerText(), "未配置");

    await byTest(page, "bot-rule-new").click();
    await byTest(page, "bot-rule-name").fill("抽奖入口");
    await byTest(page, "bot-rule-reply").fill("点这里抽奖：{链接}");
    await byTest(page, "bot-rule-save").click();
    await page.locator(".el-form-item__error", { hasText: "请填写关键词" }).waitFor();
    assert.equal(await BotRule.countDocuments({}), 0);

    await byTest(page, "bot-rule-keyword").fill("抽奖");
    await page.getByText("抽奖链接", { exact: true }).click();
    await byTest(page, "bot-rule-draw").click();
    await page.getByRole("option", { name: "圣诞大转盘（进行中）" }).click();
    await byTest(page, "bot-rule-save").click();
    await byTest(page, "bot-rule-row").filter({ hasText: "抽奖入口" }).waitFor();
    await screenshot(page, "console-bot-rules.png");
    const stored = await BotRule.findOne({ name: "抽奖入口" }).lean();
    assert.deepEqual([stored?.keyword, stored?.link, stored?.drawSlug, stored?.cooldownSeconds], ["抽奖", "draw", "xmas-2026", 30]);
  });
});
