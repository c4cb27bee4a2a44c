// 渠道活码 and 群活码 end to end in the sandbox (issue 11 "Done means"): an operator creates a
// channel code with a welcome message and a funnel in the console, through its forms and pickers;
// on the sandbox page a new WeChat user scans the code and the phone shows the welcome the product
// sent; the customer opens the funnel's landing page inside the phone and 长按识别 joins the group
// it shows, which fills it (threshold 2: the owner and the customer), so the page moves to the next
// group; the console's lists and the pool drawer show the add and the join. Everything the product
// learns comes through its real pipeline: signed callbacks from the sandbox, its WeCom client
// against the stand-in. Screenshots of the steps go to docs/screenshots/journey-*.png.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";
import { buildFrontend } from "../../scripts/build-frontend.mjs";
import roleAssigner from "../../server/commands/roleAssigner.ts";
import { ChannelCode } from "../../server/models/ChannelCode.ts";
import { Employee } from "../../server/models/Employee.ts";
import { Funnel } from "../../server/models/Funnel.ts";
import { Group } from "../../server/models/Group.ts";
import { GROUPS, OPERATOR } from "../../server/sandbox/demoData.ts";
import { SandboxGroup } from "../../server/sandbox/models/index.ts";
import { waitFor } from "../../server/utils/async.ts";
import { bandedPng } from "../../server/sandbox/demo/pictures.ts";
import { startSandboxServer, type SandboxServer } from "../sandbox/sandboxServer.ts";
import { byTest, FRONTEND_DIR, screenshot } from "../support/browser.ts";
import { JourneyPages } from "../support/journeyPages.ts";
import { resetDatabase } from "../support/hooks.ts";
import { API_TOKEN, consoleSend } from "../support/server.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const DOCS_SHOTS = path.join(ROOT, "docs", "screenshots");

const CODE_NAME = "抖音直播间·福利码";
const CUSTOMER = "直播粉丝小林";
const SLUG = "live-fans";
const FUNNEL_NAME = "直播粉丝福利群";
const groupAt = (index: number) => {
  const group = GROUPS[index];
  assert.ok(group, `the sandbox has a group at ${index}`);
  return group;
};
const [FIRST_GROUP, SECOND_GROUP] = [groupAt(0), groupAt(1)];

async function shot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(DOCS_SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(DOCS_SHOTS, name) });
}

/** Wait until the pool drawer has slid in and fits the screen (a screenshot mid-slide cuts it). */
async function drawerSettled(page: Page, width: number, inside = "pool-table"): Promise<void> {
  const settled = await waitFor(
    async () => {
      const box = await page.locator(".el-drawer", { has: page.locator(`[data-test="${inside}"]`) }).boundingBox();
      return box !== null && box.x >= 0 && Math.round(box.x + box.width) <= width;
    },
    { timeoutMs: 5_000, intervalMs: 100 },
  );
  assert.ok(settled, `the drawer fits ${width} px`);
}

/** Type into an open remote select (RemotePicker) and pick the first option it offers. */
async function pick(page: Page, picker: string, words: string): Promise<void> {
  await byTest(page, picker).click();
  const filter = byTest(page, picker).locator("input").first();
  await filter.fill("");
  await filter.pressSequentially(words);
  await page.locator(`[data-test="${picker}-option"]:visible`, { hasText: words }).first().click({ timeout: 20_000 });
}

/** The table row of a console list that holds `text`. */
const rowOf = (page: Page, table: string, text: string) => page.locator(`[data-test="${table}"] .el-table__row`, { hasText: text });

describe("渠道活码 and 群活码 journey in the sandbox (console, phone, landing page)", function () {
  this.timeout(240_000);
  let sandbox: SandboxServer;
  const pages = new JourneyPages("journey");

  before(async function () {
    this.timeout(300_000);
    buildFrontend({ quiet: true });
    await resetDatabase();
    sandbox = await startSandboxServer({ frontendDir: FRONTEND_DIR });
    await pages.launch();
  });

  after(async function () {
    this.timeout(60_000);
    await pages.close();
    await sandbox?.close();
  });

  afterEach(async function () {
    if (this.currentTest?.state === "failed") {
      await pages.reportFailure();
    }
  });

  const newPage = (width: number, height: number): Promise<Page> => pages.newPage(width, height);

  it("creates a code and a funnel in the console; a customer scans, gets the welcome, joins through the landing page; the console shows both", async () => {
    const base = sandbox.server.url;
    // WeCom's side: the corp (stores, guides, groups) and the callbacks that tell the product.
    assert.equal((await fetch(`${base}/sandbox/api/seed`, { method: "POST" })).status, 200);
    await sandbox.settle();
    assert.ok(await waitFor(async () => (await Employee.exists({ userId: OPERATOR.userid })) !== null && (await Group.countDocuments()) >= GROUPS.length, { timeoutMs: 30_000, intervalMs: 50 }));
    await roleAssigner({ userId: OPERATOR.userid, role: "operator", scopeStoreIds: [], changedBy: "journey-test", now: new Date() });

    // ── The operator in the console (logged in through the sandbox's WeCom login stand-in). ──
    const console_ = await newPage(1440, 900);
    await console_.request.post(`${base}/sandbox/api/guide`, { data: { userid: OPERATOR.userid } });
    await console_.goto(`${base}/console/`);
    await byTest(console_, "login-qr").click();
    await byTest(console_, "nav-channelCodes").click();

    await byTest(console_, "code-new").click();
    await byTest(console_, "code-name").fill(CODE_NAME);
    await byTest(console_, "code-channel").fill("抖音直播");
    await console_.locator('[data-test="code-type"] label', { hasText: "多人" }).click();
    await pick(console_, "code-guides", "张晓梅");
    await pick(console_, "code-guides", "赵敏");
    await console_.locator(".el-dialog__title").click();
    await byTest(console_, "code-welcome").fill("您好 ");
    await console_.getByText("插入客户昵称").click();
    await byTest(console_, "code-welcome").press("End");
    await byTest(console_, "code-welcome").pressSequentially("，欢迎来到直播间！回复「福利」领取新人券。");
    await shot(console_, "journey-1-code-editor.png");
    await byTest(console_, "code-save").click();
    await rowOf(console_, "code-table", CODE_NAME).waitFor();
    const code = await ChannelCode.findOne({ name: CODE_NAME }).lean();
    assert.ok(code?.configId, "the code holds WeCom's config_id");
    assert.equal(code.welcome?.text, "您好 {客户昵称}，欢迎来到直播间！回复「福利」领取新人券。");
    // The editor keeps attachments it does not edit; the operator's picture, link and mini-program
    // card go in through the same API (POST /channel-code-images, PUT /channel-codes/:id).
    const image = await consoleSend(sandbox.server, "POST", "/api/console/channel-code-images", { filename: "live.png", contentType: "image/png", dataBase64: bandedPng(480, 300, [214, 94, 120]).toString("base64") });
    assert.equal(image.status, 201, JSON.stringify(image.body));
    const imageId = (image.body.data as { id: string }).id;
    const current = (await (await fetch(`${base}/api/console/channel-codes/${String(code._id)}`, { headers: { authorization: `Bearer ${API_TOKEN}` } })).json()) as { data: Record<string, unknown> };
    const attachments = [
      { type: "image", imageId },
      { type: "link", title: "直播间新人券使用说明", url: "https://brand.example.com/live/coupon", desc: "满199减50，7天内有效" },
      { type: "miniprogram", title: "直播专属券 满199减50", appid: "wx5a9sandbox0001", page: "pages/coupon/index", imageId },
    ];
    const updated = await consoleSend(sandbox.server, "PUT", `/api/console/channel-codes/${String(code._id)}`, { ...current.data, welcome: { text: code.welcome?.text, attachments } });
    assert.equal(updated.status, 200, JSON.stringify(updated.body));

    await byTest(console_, "nav-funnels").click();
    await byTest(console_, "funnel-new").click();
    await byTest(console_, "funnel-name").fill(FUNNEL_NAME);
    await byTest(console_, "funnel-slug").fill(SLUG);
    // A group counts as full at 2 members here (its owner and one customer), so one join rotates.
    await byTest(console_, "funnel-threshold").locator("input").fill("2");
    for (const group of [FIRST_GROUP, SECOND_GROUP]) {
      await byTest(console_, "pool-pick").click();
      await byTest(console_, "pool-pick").locator("input").pressSequentially(group.name.slice(0, 4));
      await console_.locator(".el-select-dropdown__item:visible", { hasText: group.name }).first().click();
      await byTest(console_, "pool-row").filter({ hasText: group.name }).waitFor();
    }
    await shot(console_, "journey-2-funnel-editor.png");
    await byTest(console_, "funnel-save").click();
    await rowOf(console_, "funnel-table", FUNNEL_NAME).waitFor();
    const funnel = await Funnel.findOne({ slug: SLUG }).lean();
    assert.equal(funnel?.threshold, 2);
    assert.equal(funnel?.groups.length, 2);
    assert.ok(funnel?.joinWay?.qrCode, "the join way's QR came from get_join_way");

    // ── The customer's phone on the sandbox page. ──
    const phone = await newPage(1400, 900);
    await phone.goto(`${base}/sandbox/`);
    const way = phone.locator('[data-test="contact-way"]', { hasText: CODE_NAME });
    await way.click();
    await phone.locator('input[data-test="customer-name-input"], [data-test="customer-name-input"] input').fill(CUSTOMER);
    await byTest(phone, "scan").click();
    await byTest(phone, "action-result").filter({ hasText: `扫码成功：「${CUSTOMER}」` }).waitFor();
    const welcome = phone.locator('[data-test="customer-chat"] [data-test="chat-message"][data-kind="welcome"]');
    await welcome.waitFor({ timeout: 30_000 });
    assert.match(await welcome.innerText(), new RegExp(`您好 ${CUSTOMER}，欢迎来到直播间`), "the welcome names the customer");
    const cards = welcome.locator('[data-test="welcome-card"]');
    assert.deepEqual(await cards.evaluateAll((nodes) => nodes.map((node) => (node as unknown as { dataset: { kind: string } }).dataset.kind)), ["image", "link", "miniprogram"]);
    assert.equal(await cards.first().locator("img").evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth), 480, "the picture is read back from the stand-in's media");
    assert.match(await cards.nth(1).innerText(), /直播间新人券使用说明/);
    await shot(phone, "journey-3-welcome.png");

    await byTest(phone, "posters-open").click();
    await phone.locator(`[data-test="poster-option"][data-slug="${SLUG}"]`).waitFor();
    await screenshot(phone, "journey-posters.png");
    await phone.locator(`[data-test="poster-option"][data-slug="${SLUG}"]`).click();
    const landing = phone.frameLocator('[data-test="landing-frame"]');
    await landing.locator("img.qr").waitFor();
    assert.match(await landing.locator("body").innerText(), new RegExp(`${FIRST_GROUP.name}[\\s\\S]*长按识别二维码加入群聊`));
    assert.equal(await landing.locator("img.qr").evaluate((image) => (image as unknown as { naturalWidth: number }).naturalWidth > 0), true, "the join way's QR loads inside the page");
    await shot(phone, "journey-4-landing.png");

    await byTest(phone, "landing-long-press").click();
    await byTest(phone, "action-result").filter({ hasText: `已通过群活码加入群聊「${FIRST_GROUP.name}」` }).first().waitFor();
    const joined = await SandboxGroup.findOne({ name: FIRST_GROUP.name }).lean();
    const member = joined?.member_list.find((entry) => entry.name === CUSTOMER);
    assert.equal(member?.join_scene, 3, "joined by scanning");
    assert.equal(member?.state, funnel.state, "with the funnel's state, as groupchat/get answers it");
    await sandbox.settle();
    // The first group is full at the threshold: the page (reloaded after the join) shows the second.
    assert.ok(await waitFor(async () => (await Funnel.findOne({ slug: SLUG }).lean())?.joinWay?.chatIds[0] !== funnel.joinWay?.chatIds[0], { timeoutMs: 15_000, intervalMs: 50 }), "the funnel rotated");
    await phone.locator('[data-test="landing-frame"]').evaluate((frame) => (frame as unknown as { contentWindow: { location: { reload(): void } } }).contentWindow.location.reload());
    await landing.locator(".name", { hasText: SECOND_GROUP.name }).waitFor();
    await shot(phone, "journey-5-joined-rotated.png");

    // ── Back in the console: the add and the join. ──
    // The console still shows the funnels page: going to 渠道活码 reads the codes afresh.
    await byTest(console_, "nav-channelCodes").click();
    const codeRow = rowOf(console_, "code-table", CODE_NAME);
    await codeRow.waitFor();
    await waitFor(async () => /\b1\b/.test(await codeRow.locator("td").nth(-2).innerText()), { timeoutMs: 10_000, intervalMs: 100 });
    assert.equal((await codeRow.locator("td").nth(-2).innerText()).trim(), "1", "今日添加 counts the scan");
    await codeRow.locator('[data-test="code-stats"]').click();
    await byTest(console_, "stats-total").filter({ hasText: "共添加 1 人" }).waitFor();
    // The statistics (part 5): one add, nobody deleted, net +1.
    assert.match((await byTest(console_, "stats-cards").innerText()).replace(/\s+/g, " "), /1 添加 0 客户删除 0 导购删除 \+1 净增/);
    await shot(console_, "journey-6-code-stats.png");
    await console_.keyboard.press("Escape");

    await byTest(console_, "nav-funnels").click();
    const funnelRow = rowOf(console_, "funnel-table", FUNNEL_NAME);
    await funnelRow.waitFor();
    const cells = await funnelRow.locator("td").allInnerTexts();
    assert.equal(cells[2]?.trim(), "1 / 2", `可用群 / 全部: ${cells.join(" | ")}`);
    // One browser opened the page three times (the poster, the reload after the join, ours).
    assert.match(cells[3] ?? "", /^\s*3 \/ 1\s*$/, `访问 / 访客: ${cells.join(" | ")}`);
    assert.equal(cells[4]?.trim(), "1", `扫码入群: ${cells.join(" | ")}`);
    await funnelRow.locator('[data-test="funnel-pool"]').click();
    const first = console_.locator('[data-test="pool-table"] .el-table__row', { hasText: FIRST_GROUP.name });
    await first.waitFor();
    const poolCells = await first.locator("td").allInnerTexts();
    // At the threshold the bar turns red and still shows how full the group is (not Element Plus's ✕).
    assert.equal((await first.locator(".el-progress__text").textContent())?.trim(), "2/2 已满");
    const second = console_.locator('[data-test="pool-table"] .el-table__row', { hasText: SECOND_GROUP.name });
    assert.equal((await second.locator(".el-progress__text").textContent())?.trim(), "1/2", "the next group: its owner alone");
    assert.equal(poolCells[2]?.trim(), "1", `joins: ${poolCells.join(" | ")}`);
    await second.filter({ hasText: "当前" }).waitFor();
    await drawerSettled(console_, 1440);
    await shot(console_, "journey-7-funnel-pool.png");
    await console_.setViewportSize({ width: 400, height: 800 });
    await drawerSettled(console_, 400);
    await shot(console_, "journey-7-funnel-pool-400.png");
    await console_.setViewportSize({ width: 1440, height: 900 });
    await console_.keyboard.press("Escape");
    await funnelRow.locator('[data-test="funnel-stats"]').click();
    await byTest(console_, "funnel-stats-total").filter({ hasText: "扫码入群 1 人" }).waitFor();
    const statsRow = console_.locator('[data-test="funnel-stats-groups"] .el-table__row', { hasText: FIRST_GROUP.name }).first();
    await statsRow.waitFor();
    // Visits by day: all three of the journey's page views fall in the default range.
    assert.match((await byTest(console_, "funnel-stats-cards").innerText()).replace(/\s+/g, " "), /^3 访问 1 新访客 1 扫码入群 0 退群/);
    await drawerSettled(console_, 1440, "funnel-stats-groups");
    await shot(console_, "journey-8-funnel-stats.png");

    assert.deepEqual(pages.errors, [], "no page threw and nothing left the machine");
  });
});
