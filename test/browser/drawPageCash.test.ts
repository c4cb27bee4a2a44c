// A cash prize on the draw page in the sandbox, at 375 px: the sandbox's WeChat OAuth stand-in
// names the customer (their openid), the wheel lands on the cash prize, the page offers 确认收款
// with the bill's package, the sandbox's WeChat Pay stand-in takes the confirmation, and the
// signed notification turns the win 已到账.
import assert from "node:assert/strict";
import { chromium, type Browser, type Page } from "playwright-core";
import { configureWeChatPay } from "../../server/commands/cashPayout.ts";
import { sandboxRouter } from "../../server/sandbox/routes.ts";
import { SandboxCustomer } from "../../server/sandbox/models/SandboxCustomer.ts";
import { sandboxWeChatOAuth } from "../../server/sandbox/wechatOAuth.ts";
import { sandboxWeChatPayConfig } from "../../server/sandbox/wechatpay/keys.ts";
import { WeChatPayClient } from "../../server/wechatpay/client.ts";
import { chromiumPath, FRONTEND_DIR, screenshot } from "../support/browser.ts";
import { useTestServer } from "../support/server.ts";
import { aRunningDraw } from "../draws/publicSupport.ts";

const byTest = (page: Page, name: string) => page.locator(`[data-test="${name}"]`);

describe("a cash prize on the draw page (sandbox OAuth and WeChat Pay stand-ins) at 375 px", function () {
  this.timeout(90_000);
  // The stand-ins live on the server under test; its address is known once it listens.
  const wechatOAuth = sandboxWeChatOAuth("http://127.0.0.1");
  const context = useTestServer({ frontendDir: FRONTEND_DIR, wechatOAuth, sandboxRouter: sandboxRouter({ callbackUrl: "http://127.0.0.1" }) });
  let browser: Browser;
  before(async () => {
    wechatOAuth.apiBase = `${context.server.url}/sandbox/wechat`;
    configureWeChatPay(new WeChatPayClient(sandboxWeChatPayConfig(context.server.url)));
    browser = await chromium.launch({ executablePath: chromiumPath() });
  });
  after(async () => {
    configureWeChatPay(null);
    await browser.close();
  });

  it("should recognise the customer through OAuth, land on the cash prize, confirm receipt and show it paid", async () => {
    await SandboxCustomer.create({ external_userid: "wmCashWinner", name: "现金客户" });
    const draw = await aRunningDraw({ name: "现金红包大转盘", prizes: [{ name: "现金红包", kind: "cash", weight: 1, stock: 5, amountFen: 888 }], cashBudgetFen: 10_000 });
    const page = await browser.newPage({ viewport: { width: 375, height: 812 }, deviceScaleFactor: 2 });
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(`${context.server.url}/draw/${draw.slug}`);
    // The OAuth stand-in asks who holds the phone.
    await page.getByText("微信授权（沙盒）").waitFor();
    await screenshot(page, "draw-page-sandbox-oauth-375.png");
    await page.getByText("现金客户").click();
    await byTest(page, "draw-name").waitFor();
    assert.equal(new URL(page.url()).pathname, `/draw/${draw.slug}`);
    await byTest(page, "draw-button").click();
    await byTest(page, "result-prize").waitFor({ timeout: 15_000 });
    assert.equal(await byTest(page, "result-prize").innerText(), "现金红包");
    await byTest(page, "result-close").click();
    await page.locator(".van-popup").waitFor({ state: "hidden" });
    await byTest(page, "cash-confirm").waitFor({ timeout: 10_000 });
    assert.match(await byTest(page, "win-status").first().innerText(), /待确认/);
    await screenshot(page, "draw-page-cash-confirm-375.png");
    await byTest(page, "cash-confirm").click();
    await byTest(page, "win-status").filter({ hasText: "已到账" }).first().waitFor({ timeout: 15_000 });
    assert.equal(await byTest(page, "cash-confirm").count(), 0);
    await screenshot(page, "draw-page-cash-paid-375.png");
    assert.deepEqual(errors, []);
    await page.close();
  });
});
