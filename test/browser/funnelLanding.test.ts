// The landing page as a customer's phone shows it: 400 px wide, no script, the QR large enough
// to long-press, and the same page at a desktop width for an operator checking it.
import assert from "node:assert/strict";
import { chromium, type Browser } from "playwright-core";
import QRCode from "qrcode";
import { clearLandingCache } from "../../server/commands/landingCache.ts";
import { chromiumPath, screenshot } from "../support/browser.ts";
import { aGroupOf, funnelBody, nockJoinWays } from "../support/funnels.ts";
import { consoleSend, useTestServer } from "../support/server.ts";
import { nockToken } from "../support/wecomNock.ts";

describe("the funnel landing page in a browser", function () {
  this.timeout(60_000);
  const context = useTestServer();
  let browser: Browser;
  before(async () => {
    browser = await chromium.launch({ executablePath: chromiumPath() });
  });
  after(() => browser.close());

  it("should show the group, a QR at least 200 px wide and the long-press hint on a phone, and the 404 page", async () => {
    clearLandingCache();
    nockToken();
    // WeCom's QR host stands in: the page loads the join way's QR from wherever get_join_way says.
    nockJoinWays("cfg-shot", `${context.server.url}/__wecom-qr.png`);
    await aGroupOf("wrChatA", 2, "静安会员福利群");
    await aGroupOf("wrChatB", 0, "静安会员福利二群");
    const created = await consoleSend(context.server, "POST", "/api/console/funnels", funnelBody());
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const qr = await QRCode.toBuffer("https://work.weixin.qq.com/gm/stand-in", { width: 480 });
    for (const width of [400, 1440]) {
      const page = await browser.newPage({ viewport: { width, height: 860 } });
      const errors: string[] = [];
      page.on("console", (message) => (message.type() === "error" ? errors.push(message.text()) : undefined));
      await page.route("**/__wecom-qr.png", (route) => route.fulfill({ contentType: "image/png", body: qr }));
      await page.goto(`${context.server.url}/g/spring`);
      await page.locator("img.qr").waitFor();
      const box = await page.locator("img.qr").boundingBox();
      assert.ok(box && box.width >= 200 && box.x >= 0 && box.x + box.width <= width, `QR fits at ${width} px`);
      assert.match(await page.locator("body").innerText(), /静安会员福利群[\s\S]*长按识别二维码加入群聊/);
      assert.equal(await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), true, `no sideways scroll at ${width} px`);
      assert.deepEqual(errors, []);
      await screenshot(page, `funnel-landing-${width}.png`);
      await page.close();
    }
    const page = await browser.newPage({ viewport: { width: 400, height: 700 } });
    const missing = await page.goto(`${context.server.url}/g/no-such-funnel`);
    assert.equal(missing?.status(), 404);
    assert.match(await page.locator("h1").innerText(), /页面不存在/);
    await screenshot(page, "funnel-landing-404.png");
    await page.close();
  });
});
