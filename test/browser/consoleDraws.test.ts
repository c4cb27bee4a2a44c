import assert from "node:assert/strict";
import { submitWinAddress } from "../../server/commands/drawAddress.ts";
import takeDraw from "../../server/commands/drawTaker.ts";
import { Customer } from "../../server/models/Customer.ts";
import { DrawWin } from "../../server/models/DrawWin.ts";
import { Employee } from "../../server/models/Employee.ts";
import { LuckyDraw } from "../../server/models/LuckyDraw.ts";
import { byTest, screenshot, useBrowser } from "../support/browser.ts";
import { nockToken } from "../support/wecomNock.ts";
import { aCustomer, aDraw } from "../draws/coreSupport.ts";

describe("the console's 抽奖活动 for an operator in a browser", function () {
  this.timeout(180_000);
  const suite = useBrowser();
  beforeEach(async () => {
    nockToken();
    await Employee.create({ userId: "opA", name: "唐运营", departmentIds: [1], mainDepartmentId: 1, role: "operator" });
  });

  it("should create a draw in the editor (a refusal shown at its prize), open a running draw's figures and ship a gift", async () => {
    const running = await aDraw({ name: "年终会员幸运大转盘", limits: { perDay: null, total: null, maxWins: null }, prizes: [{ name: "品牌保温杯", kind: "physical", weight: 1, stock: 20 }, { name: "谢谢参与", kind: "none", weight: 1, stock: 0 }] });
    for (let n = 0; n < 12; n += 1) {
      const person = aCustomer(`b${n}`);
      await Customer.create({ externalUserId: person.externalUserId, name: `顾客${n}` });
      const outcome = await takeDraw({ slug: running.slug, participant: person, requestId: "r", now: new Date() });
      if (outcome.win) {
        await submitWinAddress({ winId: outcome.win.winId, participant: person, address: { name: `顾客${n}`, phone: "13900001111", region: "上海市 静安区", detail: "南京西路 1 号" } });
      }
    }

    const page = await suite.newPage("console", { wecomUserId: "opA" });
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(`${suite.server.url}/console/`);
    await byTest(page, "login-qr").click();
    await byTest(page, "nav-draws").click();
    await page.locator('[data-test="draw-row"]', { hasText: "年终会员幸运大转盘" }).waitFor();

    await byTest(page, "draw-new").click();
    await byTest(page, "draw-name").fill("春节红包雨");
    await byTest(page, "draw-slug").fill("spring-2027");
    await byTest(page, "prize-weight").first().locator("input").fill("0");
    await byTest(page, "draw-save").click();
    await byTest(page, "prize-error").first().waitFor();
    assert.match((await byTest(page, "prize-error").first().textContent()) ?? "", /中奖权重应在 1 到 1000000 之间/);
    await screenshot(page, "console-draw-editor-1440.png");
    await byTest(page, "prize-weight").first().locator("input").fill("5");
    await byTest(page, "draw-save").click();
    await page.locator('[data-test="draw-row"]', { hasText: "春节红包雨" }).waitFor();
    assert.equal((await LuckyDraw.findOne({ slug: "spring-2027" }).lean())?.prizes.length, 3);
    await screenshot(page, "console-draws-1440.png");

    await page.locator('[data-test="draw-row"]', { hasText: "年终会员幸运大转盘" }).click();
    await byTest(page, "draw-stats").waitFor();
    await byTest(page, "draw-chart").waitFor();
    await page.locator('[data-test="winner-state"]', { hasText: "待发货" }).first().waitFor();
    await byTest(page, "winner-ship").first().click();
    await page.locator(".el-message-box input").fill("SF1234567890");
    await page.locator(".el-message-box .el-button--primary").click();
    await page.locator('[data-test="winner-state"]', { hasText: "已发货" }).first().waitFor();
    assert.equal(await DrawWin.countDocuments({ status: "shipped", trackingNo: "SF1234567890" }), 1);
    await screenshot(page, "console-draw-detail-1440.png");
    await page.setViewportSize({ width: 400, height: 800 });
    await byTest(page, "draw-stats").waitFor();
    await screenshot(page, "console-draw-detail-400.png");
    await page.goto(`${suite.server.url}/console/#/draws`);
    await page.locator('[data-test="draw-row"]', { hasText: "春节红包雨" }).waitFor();
    await screenshot(page, "console-draws-400.png");
    suite.assertCleanRun();
  });
});
