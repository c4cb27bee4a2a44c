// The draw page as a customer's phone shows it (375 px, Chromium): a personal link opens it, the
// wheel or grid lands on the server's result, a physical prize asks for the address (phone
// checked at the field, shown masked afterwards), and a closed draw says why.
import assert from "node:assert/strict";
import { chromium, type Browser, type Page } from "playwright-core";
import { chromiumPath, FRONTEND_DIR, screenshot } from "../support/browser.ts";
import { useTestServer } from "../support/server.ts";
import { personalDrawLink } from "../../server/security/drawTokens.ts";
import { aRunningDraw } from "../draws/publicSupport.ts";

const byTest = (page: Page, name: string) => page.locator(`[data-test="${name}"]`);

describe("the draw page in a browser at 375 px", function () {
  this.timeout(90_000);
  const context = useTestServer({ frontendDir: FRONTEND_DIR });
  let browser: Browser;
  before(async () => {
    browser = await chromium.launch({ executablePath: chromiumPath() });
  });
  after(() => browser.close());

  async function phone(): Promise<{ page: Page; errors: string[] }> {
    const page = await browser.newPage({ viewport: { width: 375, height: 812 }, deviceScaleFactor: 2, userAgent: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 MicroMessenger/8.0.50" });
    const errors: string[] = [];
    page.on("console", (message) => (message.type() === "error" ? errors.push(message.text()) : undefined));
    page.on("pageerror", (error) => errors.push(error.message));
    return { page, errors };
  }

  it("should spin the wheel onto the won prize, then take the address with the phone checked and shown masked", async () => {
    const draw = await aRunningDraw({ name: "双十二幸运大转盘", prizes: [{ name: "保温杯", kind: "physical", weight: 1, stock: 5 }, { name: "谢谢参与", kind: "none", weight: 0, stock: 0 }] });
    const { page, errors } = await phone();
    await page.goto(personalDrawLink({ slug: draw.slug, externalUserId: "wmPhoneA", now: new Date(), origin: context.server.url }));
    assert.equal(new URL(page.url()).search, "", "the token is off the address bar");
    await byTest(page, "draw-name").waitFor();
    assert.equal(await byTest(page, "draw-name").innerText(), "双十二幸运大转盘");
    assert.match(await byTest(page, "draws-left").innerText(), /今日剩余 3 次/);
    assert.equal(await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), true, "no sideways scroll");
    await screenshot(page, "draw-page-wheel-375.png");
    await byTest(page, "draw-button").click();
    await byTest(page, "result-prize").waitFor({ timeout: 15_000 });
    assert.equal(await byTest(page, "result-prize").innerText(), "保温杯");
    // The wheel stopped with the prize's sector under the pointer (sector 0 of 2: its middle at 90° → turned to 270° mod 360).
    // A string: the test build has no DOM types; the page evaluates it as written.
    const turned = Number(
      await page.evaluate(`(() => {
        const matrix = new DOMMatrix(getComputedStyle(document.querySelector(".wheel")).transform);
        return Math.round(((Math.atan2(matrix.b, matrix.a) * 180) / Math.PI + 360) % 360);
      })()`),
    );
    assert.equal(turned, 270);
    await screenshot(page, "draw-page-won-375.png");
    await byTest(page, "result-close").click();
    await page.locator(".van-popup").waitFor({ state: "hidden" });
    await byTest(page, "address-form").waitFor();
    assert.match(await byTest(page, "draws-left").innerText(), /今日剩余 2 次/);
    await byTest(page, "address-name").locator("input").fill("王小明");
    await byTest(page, "address-phone").locator("input").fill("1381234");
    await byTest(page, "address-region").locator("input").fill("上海市 静安区");
    await byTest(page, "address-detail").locator("input").fill("南京西路 1266 号");
    await byTest(page, "address-submit").click();
    assert.match(await byTest(page, "address-phone").innerText(), /请填写 11 位手机号/);
    await screenshot(page, "draw-page-address-375.png");
    await byTest(page, "address-phone").locator("input").fill("13812345678");
    await byTest(page, "address-submit").click();
    await byTest(page, "win-address").waitFor();
    assert.match(await byTest(page, "win-address").innerText(), /王小明 138\*\*\*\*5678/);
    assert.equal(await byTest(page, "address-form").count(), 0);
    assert.match(await byTest(page, "win-status").first().innerText(), /待发货/);
    await screenshot(page, "draw-page-my-prizes-375.png");
    assert.deepEqual(errors, []);
    await page.close();
  });

  it("should run the 九宫格 highlight onto the prize, and show why a customer cannot draw", async () => {
    const draw = await aRunningDraw({ style: "grid", name: "会员九宫格", limits: { perDay: 1, total: null, maxWins: null }, prizes: [{ name: "帆布袋", kind: "physical", weight: 1, stock: 50 }] });
    const { page, errors } = await phone();
    await page.goto(personalDrawLink({ slug: draw.slug, externalUserId: "wmPhoneB", now: new Date(), origin: context.server.url }));
    await byTest(page, "grid").waitFor();
    await screenshot(page, "draw-page-grid-375.png");
    await byTest(page, "draw-button").click();
    await byTest(page, "result-prize").waitFor({ timeout: 15_000 });
    assert.equal(await byTest(page, "result-prize").innerText(), "帆布袋");
    assert.equal(await page.locator(".cell.on").innerText(), "帆布袋");
    await byTest(page, "result-close").click();
    await page.locator(".van-popup").waitFor({ state: "hidden" });
    await byTest(page, "draw-status").waitFor();
    assert.match(await byTest(page, "draw-status").innerText(), /次数已用完/);
    assert.equal(await byTest(page, "draw-button").isDisabled(), true);
    await screenshot(page, "draw-page-out-of-draws-375.png");
    assert.deepEqual(errors, []);
    await page.close();

    const ended = await aRunningDraw({ name: "已结束的抽奖", startsAt: new Date(Date.now() - 7200_000), endsAt: new Date(Date.now() - 3600_000) });
    const second = await phone();
    await second.page.goto(`${context.server.url}/draw/${ended.slug}?t=forged.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`);
    await byTest(second.page, "notice").waitFor();
    assert.match(await byTest(second.page, "notice").innerText(), /链接无效或已过期/);
    assert.match(await byTest(second.page, "draw-status").innerText(), /已结束/);
    await screenshot(second.page, "draw-page-ended-375.png");
    await second.page.close();
  });
});
