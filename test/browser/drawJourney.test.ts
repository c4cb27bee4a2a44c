// 抽奖 end to end in the sandbox (issue 12 "Done means"): an operator creates a lucky draw with a
// cash prize in the console, through its editor (prizes, window, budget), and starts it; on the
// sandbox page a customer who added a guide opens the draw on the phone, WeChat (the sandbox's
// OAuth stand-in) says who holds the phone, the customer draws and wins the cash prize (the only
// prize: nothing else can come out), confirms receipt (the sandbox's stand-in for
// requestMerchantTransfer), and the console shows the transfer 已到账 and the winner. Everything
// goes through the product's real pipeline: WeChat Pay is the sandbox's stand-in, signing both
// ways, whose signed notification marks the bill paid. Screenshots go to
// docs/screenshots/draw-journey-*.png.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";
import { buildFrontend } from "../../scripts/build-frontend.mjs";
import { configureWeChatPay } from "../../server/commands/cashPayout.ts";
import roleAssigner from "../../server/commands/roleAssigner.ts";
import { Employee } from "../../server/models/Employee.ts";
import { OPERATOR } from "../../server/sandbox/demoData.ts";
import { sandboxWeChatOAuth } from "../../server/sandbox/wechatOAuth.ts";
import { sandboxWeChatPayConfig } from "../../server/sandbox/wechatpay/keys.ts";
import { waitFor } from "../../server/utils/async.ts";
import { WeChatPayClient } from "../../server/wechatpay/client.ts";
import { startSandboxServer, type SandboxServer } from "../sandbox/sandboxServer.ts";
import { byTest, FRONTEND_DIR } from "../support/browser.ts";
import { JourneyPages } from "../support/journeyPages.ts";
import { resetDatabase } from "../support/hooks.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const DOCS_SHOTS = path.join(ROOT, "docs", "screenshots");

const DRAW_NAME = "年终会员现金红包";
const SLUG = "cash-journey";
const PRIZE = "现金红包";
const CUSTOMER = "抽奖客户小周";

async function shot(target: Page | ReturnType<Page["locator"]>, name: string): Promise<void> {
  fs.mkdirSync(DOCS_SHOTS, { recursive: true });
  await target.screenshot({ path: path.join(DOCS_SHOTS, name) });
}

/** The table row of a console list that holds `text`. */
const rowOf = (page: Page, table: string, text: string) => page.locator(`[data-test="${table}"] .el-table__row`, { hasText: text });

describe("抽奖 journey in the sandbox (console, phone, WeChat Pay)", function () {
  this.timeout(240_000);
  let sandbox: SandboxServer;
  const pages = new JourneyPages("draw-journey");
  // The draw page's WeChat OAuth: the sandbox's stand-in on this server (its port known once listening).
  const wechatOAuth = sandboxWeChatOAuth("http://127.0.0.1");

  before(async function () {
    this.timeout(300_000);
    buildFrontend({ quiet: true });
    await resetDatabase();
    sandbox = await startSandboxServer({ frontendDir: FRONTEND_DIR, wechatOAuth });
    wechatOAuth.apiBase = sandboxWeChatOAuth(sandbox.server.url).apiBase;
    configureWeChatPay(new WeChatPayClient(sandboxWeChatPayConfig(sandbox.server.url)));
    await pages.launch();
  });

  after(async function () {
    this.timeout(60_000);
    configureWeChatPay(null);
    await pages.close();
    await sandbox?.close();
  });

  afterEach(async function () {
    if (this.currentTest?.state === "failed") {
      await pages.reportFailure();
    }
  });

  const newPage = (width: number, height: number): Promise<Page> => pages.newPage(width, height);

  it("creates and starts a cash draw in the console; a customer draws on the phone, wins, confirms; the console shows it paid", async () => {
    const base = sandbox.server.url;
    assert.equal((await fetch(`${base}/sandbox/api/seed`, { method: "POST" })).status, 200);
    await sandbox.settle();
    assert.ok(await waitFor(async () => (await Employee.exists({ userId: OPERATOR.userid })) !== null, { timeoutMs: 30_000, intervalMs: 50 }));
    await roleAssigner({ userId: OPERATOR.userid, role: "operator", scopeStoreIds: [], changedBy: "draw-journey-test", now: new Date() });

    // ── The operator in the console (logged in through the sandbox's WeCom login stand-in). ──
    const console_ = await newPage(1440, 900);
    await console_.request.post(`${base}/sandbox/api/guide`, { data: { userid: OPERATOR.userid } });
    await console_.goto(`${base}/console/`);
    await byTest(console_, "login-qr").click();
    await byTest(console_, "nav-draws").click();
    await byTest(console_, "draw-new").click();
    await byTest(console_, "draw-name").fill(DRAW_NAME);
    await byTest(console_, "draw-slug").fill(SLUG);
    // The window: from now (the editor's default start) to 14 days on, typed as a person would.
    const end = new Date(Date.now() + 14 * 86_400_000);
    const endText = `${end.toLocaleDateString("sv-SE", { timeZone: "Asia/Shanghai" })} 23:00:00`;
    const endInput = console_.locator(".el-dialog").getByPlaceholder("结束时间");
    await endInput.click();
    await endInput.fill(endText);
    await endInput.press("Enter");
    await console_.locator(".el-dialog__title").click();
    assert.equal(await endInput.inputValue(), endText, "the window ends where the operator typed");

    // Prizes: the editor's first row becomes the cash prize; the other two suggestions go, so only cash can come out.
    const prizes = byTest(console_, "draw-prize");
    await prizes.first().getByPlaceholder("奖品名称").fill(PRIZE);
    await prizes.first().locator('[data-test="prize-kind"]').click();
    await console_.locator(".el-select-dropdown__item:visible", { hasText: "现金" }).first().click();
    await prizes.first().locator('[data-test="prize-amount"] input').fill("1.88");
    await prizes.first().locator('[data-test="prize-stock"] input').fill("5");
    await prizes.first().locator('[data-test="prize-weight"] input').fill("1");
    while ((await prizes.count()) > 1) {
      await prizes.nth(1).getByRole("button", { name: "移除" }).click();
    }
    await byTest(console_, "draw-budget").locator("input").fill("100");
    await console_.locator(".el-dialog__title").click();
    assert.match(await prizes.first().locator('[data-test="prize-chance"]').innerText(), /100/, "the only prize: a certain win");
    await shot(console_, "draw-journey-1-editor.png");
    await byTest(console_, "draw-save").click();
    const row = rowOf(console_, "draw-table", DRAW_NAME);
    await row.waitFor();
    await row.getByText("草稿").waitFor();
    await row.locator('[data-test="draw-start"]').click();
    await row.getByText("进行中").waitFor();
    await shot(console_, "draw-journey-2-list.png");

    // ── The customer's phone on the sandbox page: add a guide, then open the draw. ──
    const phone = await newPage(1400, 900);
    await phone.goto(`${base}/sandbox/`);
    await byTest(phone, "contact-way").first().click();
    await phone.locator('input[data-test="customer-name-input"], [data-test="customer-name-input"] input').fill(CUSTOMER);
    await byTest(phone, "scan").click();
    await byTest(phone, "action-result").filter({ hasText: `扫码成功：「${CUSTOMER}」` }).waitFor();
    await sandbox.settle();

    await byTest(phone, "draws-open").click();
    await phone.locator(`[data-test="draw-option"][data-slug="${SLUG}"]`).click();
    const drawPage = phone.frameLocator('[data-test="draw-frame"]');
    // WeChat's authorization (the stand-in): which of the sandbox's customers holds this phone.
    await drawPage.getByRole("link", { name: CUSTOMER }).click();
    await drawPage.locator('[data-test="draw-name"]').filter({ hasText: DRAW_NAME }).waitFor();
    const left = drawPage.locator('[data-test="draws-left"]');
    await left.waitFor();
    const leftBefore = await left.innerText();
    await shot(byTest(phone, "draw-page"), "draw-journey-3-phone.png");

    await drawPage.locator('[data-test="draw-button"]').click();
    const prize = drawPage.locator('[data-test="result-prize"]');
    await prize.waitFor({ timeout: 30_000 });
    assert.equal((await prize.innerText()).trim(), PRIZE, "the result names the cash prize");
    await shot(byTest(phone, "draw-page"), "draw-journey-4-won.png");
    await drawPage.locator('[data-test="result-close"]').click();
    assert.notEqual(await left.innerText(), leftBefore, "one draw fewer left");

    const win = drawPage.locator('[data-test="my-wins"] [data-test^="win-"]', { hasText: PRIZE }).first();
    await win.getByText("¥1.88").waitFor();
    await win.locator('[data-test="win-status"]').filter({ hasText: "待确认" }).waitFor({ timeout: 30_000 });
    await win.locator('[data-test="cash-confirm"]').click();
    await win.locator('[data-test="win-status"]').filter({ hasText: "已到账" }).waitFor({ timeout: 30_000 });
    await shot(byTest(phone, "draw-page"), "draw-journey-5-phone-paid.png");

    // The same page at a phone's real width (WeChat's browser, 375 px), this customer's cookie.
    const narrow = await phone.context().newPage();
    await narrow.setViewportSize({ width: 375, height: 812 });
    await narrow.goto(`${base}/draw/${SLUG}`);
    await narrow.locator('[data-test="my-wins"] [data-test="win-status"]', { hasText: "已到账" }).waitFor();
    await shot(narrow, "draw-journey-6-phone-375.png");

    // ── Back in the console: the draw's detail shows the winner and the transfer 已到账. ──
    await console_.locator('[data-test="draw-row"]', { hasText: DRAW_NAME }).click();
    const winner = console_.locator('[data-test="winner-table"] .el-table__row', { hasText: CUSTOMER });
    await winner.waitFor();
    assert.match(await winner.innerText(), new RegExp(PRIZE), "the winner's row names the prize");
    const transfer = console_.locator('[data-test="cash-transfers"] .el-table__row', { hasText: "1.88" });
    await transfer.waitFor();
    assert.equal((await transfer.locator('[data-test="cash-state"]').innerText()).trim(), "已到账");
    assert.match(await transfer.innerText(), /1\.88/);
    assert.match((await byTest(console_, "draw-stats").innerText()).replace(/\s+/g, " "), /现金已到账 ¥?1\.88/);
    await transfer.scrollIntoViewIfNeeded();
    await shot(console_, "draw-journey-7-console-paid.png");
    assert.deepEqual(pages.errors, []);
  });
});
