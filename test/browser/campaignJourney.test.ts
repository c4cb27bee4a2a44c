// 朋友圈 and 群发 completion end to end in the sandbox (issue 13 "Done means"): an operator schedules a
// moment for a store's guides in the console and sends a mass message to a segment; the scheduled
// jobs run (Agenda, their time brought forward); on the sandbox page some guides publish and send
// (代发表 / 代发送) and others do not; the syncs read WeCom's answers; the completion component shows
// who did and who did not; 催办 reaches the laggards, whose app message appears on the sandbox page.
// Everything goes through the product's real pipeline against the WeCom stand-in. Screenshots go
// to docs/screenshots/campaign-journey-*.png.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import mongoose from "mongoose";
import type { Page } from "playwright-core";
import { buildFrontend } from "../../scripts/build-frontend.mjs";
import roleAssigner from "../../server/commands/roleAssigner.ts";
import { startScheduler, type Scheduler } from "../../server/jobs/scheduler.ts";
import { CampaignGuide } from "../../server/models/CampaignGuide.ts";
import { Employee } from "../../server/models/Employee.ts";
import { MassMessage } from "../../server/models/MassMessage.ts";
import { Moment } from "../../server/models/Moment.ts";
import { SANDBOX_AGENT_ID, SANDBOX_AGENT_SECRET, SANDBOX_CONTACT_SECRET, SANDBOX_CORP_ID } from "../../server/sandbox/config.ts";
import { GUIDES, OPERATOR, PEOPLE } from "../../server/sandbox/demoData.ts";
import { waitFor } from "../../server/utils/async.ts";
import { WeComClient } from "../../server/wecom/client.ts";
import { startSandboxServer, type SandboxServer } from "../sandbox/sandboxServer.ts";
import { byTest, FRONTEND_DIR } from "../support/browser.ts";
import { JourneyPages } from "../support/journeyPages.ts";
import { resetDatabase } from "../support/hooks.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const DOCS_SHOTS = path.join(ROOT, "docs", "screenshots");

const MASS_NAME = "三月会员日群发";
const MASS_TEXT = "会员日全场九折，到店出示会员码再享赠品。";
const SEGMENT_NAME = "两店会员";
const MOMENT_TEXT = "春日护肤小课堂：换季敏感肌三步修护，欢迎到店免费测肤～";
const STORE = { id: 101, name: "上海南京西路店" };
const storeGuides = GUIDES.filter((guide) => guide.main_department === STORE.id);
const nameOf = (userid: string) => PEOPLE.find((person) => person.userid === userid)?.name ?? userid;
// Two of the store's guides publish on the sandbox page; everyone else the store holds (its other
// guides, and the area manager who works there too) are the laggards.
const [PUBLISHER_A, PUBLISHER_B, LAGGARD_A] = storeGuides.map((guide) => guide.userid) as [string, string, string];

async function shot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(DOCS_SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(DOCS_SHOTS, name) });
}

const agendaJobs = () => mongoose.connection.db!.collection("agenda_jobs");

/** The jobs' clock: the journey moves it to a campaign's time instead of waiting for it. */
let clockOffsetMs = 0;
const jobClock = () => new Date(Date.now() + clockOffsetMs);

/** The clock reaches a one-off job's time: it becomes due now and the running scheduler takes it. */
async function runDue(name: string, data: Record<string, string>): Promise<void> {
  const filter = { name, ...Object.fromEntries(Object.entries(data).map(([key, value]) => [`data.${key}`, value])) };
  assert.ok(await waitFor(async () => (await agendaJobs().countDocuments(filter)) > 0, { timeoutMs: 10_000, intervalMs: 100 }), `${name} is scheduled`);
  await agendaJobs().updateMany(filter, { $set: { nextRunAt: new Date(Date.now() - 1000) } });
}

describe("朋友圈 and 群发 completion journey in the sandbox (console, guides, 催办)", function () {
  this.timeout(300_000);
  let sandbox: SandboxServer;
  let scheduler: Scheduler;
  const pages = new JourneyPages("campaign-journey");
  // The operator's console and the sandbox page, kept from the moment's part for the mass message's.
  let console_: Page;
  let guides: Page;

  before(async function () {
    this.timeout(300_000);
    buildFrontend({ quiet: true });
    await resetDatabase();
    sandbox = await startSandboxServer({ frontendDir: FRONTEND_DIR });
    const wecom = new WeComClient({ baseUrl: sandbox.wecomApiBase, corpId: SANDBOX_CORP_ID, secrets: { contact: SANDBOX_CONTACT_SECRET, agent: SANDBOX_AGENT_SECRET }, retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 5 } });
    // Only the one-off jobs the campaigns set; the daily cron jobs are not part of this journey.
    scheduler = await startScheduler(mongoose.connection.db!, { wecom, now: jobClock, agentId: String(SANDBOX_AGENT_ID) }, { processEvery: 300, start: false });
    await scheduler.agenda.start();
    await pages.launch();
  });

  after(async function () {
    this.timeout(60_000);
    await pages.close();
    await scheduler?.stop();
    await sandbox?.close();
  });

  afterEach(async function () {
    if (this.currentTest?.state === "failed") {
      await pages.reportFailure();
    }
  });

  const newPage = (width: number, height: number): Promise<Page> => pages.newPage(width, height);

  /** On the sandbox page, be this guide and open their tasks. */
  async function openTasks(page: Page, userid: string): Promise<void> {
    await byTest(page, "guide-select").selectOption(userid);
    await byTest(page, "guide-view-tasks").click();
    await byTest(page, "guide-tasks").waitFor();
  }

  it("schedules a moment in the console; guides publish or not on the sandbox page; completion shows who did; 催办 reaches the laggards", async () => {
    const base = sandbox.server.url;
    assert.equal((await fetch(`${base}/sandbox/api/seed`, { method: "POST" })).status, 200);
    await sandbox.settle();
    assert.ok(await waitFor(async () => (await Employee.countDocuments({ userId: { $in: [OPERATOR.userid, ...storeGuides.map((guide) => guide.userid)] } })) === storeGuides.length + 1, { timeoutMs: 30_000, intervalMs: 50 }));
    await roleAssigner({ userId: OPERATOR.userid, role: "operator", scopeStoreIds: [], changedBy: "journey-test", now: new Date() });

    // ── The operator plans the moment in the console, for one store's guides. ──
    console_ = await newPage(1440, 900);
    await console_.request.post(`${base}/sandbox/api/guide`, { data: { userid: OPERATOR.userid } });
    await console_.goto(`${base}/console/`);
    await byTest(console_, "login-qr").click();
    await byTest(console_, "nav-moments").click();
    await byTest(console_, "moment-new").click();
    await byTest(console_, "moment-text").fill(MOMENT_TEXT);
    await byTest(console_, "moment-kind").getByText("关怀").click();
    await console_.locator('.el-select[data-test="moment-departments"]').click();
    await console_.locator('.el-select[data-test="moment-departments"] input').pressSequentially(STORE.name);
    await console_.locator('.el-tree[data-test="moment-departments"] .el-tree-node__content:visible', { hasText: STORE.name }).locator(".el-checkbox").click();
    await console_.locator(".el-dialog__title").click();
    await shot(console_, "campaign-journey-1-moment-editor.png");
    await byTest(console_, "moment-save").click();
    await byTest(console_, "moment-row").filter({ hasText: MOMENT_TEXT.slice(0, 8) }).first().waitFor();
    const moment = await Moment.findOne({ text: MOMENT_TEXT }).lean();
    assert.ok(moment, "the moment is stored");
    assert.equal(moment.status, "scheduled");
    const momentId = String(moment._id);

    // ── Its time comes: the publish job hands WeCom the task and follows it to its result. ──
    clockOffsetMs = moment.scheduledAt.getTime() - Date.now() + 1000;
    await runDue("PublishMomentJob", { momentId });
    assert.ok(await waitFor(async () => (await Moment.findById(momentId).lean())?.status === "sent", { timeoutMs: 30_000, intervalMs: 200 }), `the moment went to WeCom: ${JSON.stringify(await Moment.findById(momentId, { status: 1, failReason: 1 }).lean())} ${JSON.stringify(await agendaJobs().find({}).toArray())}`);
    const assigned = (await CampaignGuide.find({ kind: "moment", campaignId: momentId, state: "assigned" }).lean()).map((guide) => guide.userId);
    assert.deepEqual(storeGuides.filter((guide) => !assigned.includes(guide.userid)), [], "every guide of the store has the task");
    const laggards = assigned.filter((userid) => userid !== PUBLISHER_A && userid !== PUBLISHER_B).sort();

    // ── The sandbox page plays the guides: two publish, two leave it. ──
    guides = await newPage(1440, 900);
    await guides.goto(`${base}/sandbox/`);
    for (const userid of [PUBLISHER_A, PUBLISHER_B]) {
      await openTasks(guides, userid);
      const task = byTest(guides, "guide-task-moment").filter({ hasText: MOMENT_TEXT });
      await task.waitFor();
      if (userid === PUBLISHER_A) {
        await shot(guides, "campaign-journey-2-sandbox-tasks.png");
      }
      await task.locator('[data-test="guide-task-publish"]').click();
      await task.waitFor({ state: "detached" });
    }

    // ── The sync reads who published. ──
    await runDue("SyncMomentJob", { momentId });
    assert.ok(
      await waitFor(async () => (await CampaignGuide.countDocuments({ kind: "moment", campaignId: momentId, userId: { $in: [PUBLISHER_A, PUBLISHER_B] }, state: "done" })) === 2, { timeoutMs: 30_000, intervalMs: 200 }),
      "the sync counted both publishers",
    );

    // ── The completion on the moment's page: who did, who did not. ──
    await byTest(console_, "moment-row").filter({ hasText: MOMENT_TEXT.slice(0, 8) }).first().click();
    const completion = byTest(console_, "campaign-completion");
    await completion.waitFor();
    await byTest(console_, "completion-cards").filter({ hasText: "已完成" }).waitFor();
    const cards = await byTest(console_, "completion-cards").innerText();
    assert.match(cards, new RegExp(`${assigned.length}\\s*应完成`));
    assert.match(cards, /2\s*已完成/);
    assert.match(cards, new RegExp(`${((2 / assigned.length) * 100).toFixed(1)}%\\s*完成率`));
    await byTest(console_, "completion-chart").waitFor();
    const guideRow = (userid: string) => console_.locator('[data-test="campaign-guides"] .el-table__row', { hasText: nameOf(userid) });
    assert.match(await guideRow(PUBLISHER_A).innerText(), /已完成/);
    assert.match(await guideRow(LAGGARD_A).innerText(), /未完成/);
    await completion.scrollIntoViewIfNeeded();
    await shot(console_, "campaign-journey-3-completion.png");

    // ── A guide's name opens their campaigns. ──
    await guideRow(PUBLISHER_A).locator('[data-test="campaign-guide-name"]').click();
    const drawer = byTest(console_, "guide-campaigns-table");
    await drawer.locator(".el-table__row", { hasText: MOMENT_TEXT.slice(0, 8) }).waitFor();
    assert.match(await drawer.innerText(), /朋友圈[\s\S]*已完成/);
    await console_.keyboard.press("Escape");
    await drawer.waitFor({ state: "hidden" });

    // ── 催办 the laggards: filter 未完成, select them all, remind the selection. ──
    await byTest(console_, "completion-state").click();
    await console_.locator(".el-select-dropdown__item:visible", { hasText: "未完成" }).click();
    await waitFor(async () => (await console_.locator('[data-test="campaign-guides"] .el-table__row').count()) === laggards.length, { timeoutMs: 10_000, intervalMs: 100 });
    await console_.locator('[data-test="campaign-guides"] .el-table__header .el-checkbox').click();
    await byTest(console_, "campaign-remind").filter({ hasText: `催办选中（${laggards.length}）` }).waitFor();
    await byTest(console_, "campaign-remind").click();
    await console_.locator(".el-message-box").getByRole("button", { name: "发送提醒" }).click();
    await console_.locator(".el-message", { hasText: `已提醒 ${laggards.length} 位导购` }).waitFor();
    await waitFor(async () => /1 次/.test(await guideRow(LAGGARD_A).innerText()), { timeoutMs: 10_000, intervalMs: 100 });
    await shot(console_, "campaign-journey-4-reminded.png");
    const reminded = await CampaignGuide.find({ kind: "moment", campaignId: momentId, remindCount: 1 }).lean();
    assert.deepEqual(reminded.map((guide) => guide.userId).sort(), laggards);

    // ── The same page on a phone, 400 px wide. ──
    const phone = await newPage(400, 860);
    await phone.context().addCookies(await console_.context().cookies());
    await phone.goto(console_.url());
    await byTest(phone, "completion-cards").filter({ hasText: "已完成" }).waitFor();
    await byTest(phone, "campaign-guides").scrollIntoViewIfNeeded();
    await shot(phone, "campaign-journey-5-completion-400.png");
    const overflow = await phone.evaluate<number>("document.documentElement.scrollWidth - window.innerWidth");
    assert.ok(overflow <= 1, `the page fits 400 px (overflow ${overflow} px)`);

    // ── The laggard sees the 催办 in their WeCom (the sandbox page); a publisher does not. ──
    await openTasks(guides, LAGGARD_A);
    const card = byTest(guides, "guide-app-message").filter({ hasText: "催办：请发表朋友圈" });
    await card.waitFor({ timeout: 15_000 });
    assert.match(await card.innerText(), new RegExp(`「${MOMENT_TEXT.slice(0, 10)}`));
    await shot(guides, "campaign-journey-6-sandbox-reminded.png");
    await openTasks(guides, PUBLISHER_A);
    await byTest(guides, "guide-tasks").filter({ hasText: "应用消息（0）" }).waitFor();
    assert.deepEqual(pages.errors, []);
  });

  it("sends a mass message to a segment; one guide sends it on the sandbox page, the other does not; completion and 催办 follow", async () => {
    const base = sandbox.server.url;
    const api = async <T>(method: "GET" | "POST", url: string, data?: unknown): Promise<T> => {
      const response = method === "GET" ? await console_.request.get(`${base}${url}`) : await console_.request.post(`${base}${url}`, { data: data ?? {} });
      const body = (await response.json()) as { data: T; message?: string };
      assert.ok(response.ok(), `${method} ${url}: ${response.status()} ${body.message ?? ""}`);
      return body.data;
    };
    // Two customers add a store's till guide on the sandbox phone and buy there: members of 101 and 102.
    const state = await api<{ contactWays: { config_id: string; state: string; user: string[] }[] }>("GET", "/sandbox/api/state");
    const senders: string[] = [];
    for (const [index, store] of ["store101", "store102"].entries()) {
      const way = state.contactWays.find((candidate) => candidate.state === `${store}-counter`);
      assert.ok(way, `${store}'s till code`);
      const added = await api<{ external_userid: string; userid: string }>("POST", "/sandbox/api/scan", { configId: way.config_id, name: `群发客户${index + 1}` });
      await sandbox.settle();
      await api("POST", "/sandbox/api/buy", { externalUserId: added.external_userid, amountFen: 29_900, storeId: store.slice(5), guideUserId: added.userid });
      senders.push(added.userid);
    }
    await sandbox.settle();
    const [SENDER, SILENT] = senders as [string, string];
    // The segment is set up through the API (the 人群 page has its own tests).
    const segment = await api<{ id: string }>("POST", "/api/console/segments", { name: SEGMENT_NAME, description: "南京西路店和三里屯店的会员", rule: { stores: ["101", "102"] } });
    assert.ok(await waitFor(async () => (await api<{ count: number }>("POST", "/api/console/mass-messages/preview", { audience: { kind: "segment", segmentId: segment.id } })).count === 2, { timeoutMs: 20_000, intervalMs: 250 }), "both members are in the segment with their guide");

    // ── The operator writes the mass message in the console, to the segment, and sends it now. ──
    await byTest(console_, "nav-massMessages").click();
    await byTest(console_, "mass-new").click();
    await byTest(console_, "mass-name").fill(MASS_NAME);
    await byTest(console_, "mass-text").fill(MASS_TEXT);
    await byTest(console_, "mass-segment").click();
    await console_.locator(".el-select-dropdown__item:visible", { hasText: SEGMENT_NAME }).first().click();
    await byTest(console_, "mass-audience-count").filter({ hasText: "2 位有导购的会员" }).waitFor();
    await console_.waitForTimeout(300);
    await shot(console_, "campaign-journey-7-mass-editor.png");
    await byTest(console_, "mass-send").click();
    await byTest(console_, "mass-detail").waitFor();
    const mass = await MassMessage.findOne({ name: MASS_NAME }).lean();
    assert.ok(mass, "the mass message is stored");
    const massId = String(mass._id);
    await runDue("DispatchMassMessageJob", { massMessageId: massId });
    assert.ok(await waitFor(async () => (await CampaignGuide.countDocuments({ kind: "mass", campaignId: massId })) === 2, { timeoutMs: 30_000, intervalMs: 200 }), "one task per guide");

    // ── On the sandbox page one guide sends it; the other leaves it. ──
    await openTasks(guides, SENDER);
    const task = byTest(guides, "guide-task-mass").filter({ hasText: "会员日全场九折" });
    await task.waitFor();
    await shot(guides, "campaign-journey-9-sandbox-mass.png");
    await task.locator('[data-test="guide-task-send"]').click();
    await task.waitFor({ state: "detached" });
    await runDue("SyncMassMessageJob", { massMessageId: massId });
    assert.ok(await waitFor(async () => (await CampaignGuide.findOne({ kind: "mass", campaignId: massId, userId: SENDER }).lean())?.state === "done", { timeoutMs: 30_000, intervalMs: 200 }), "the sync counted the sender");

    // ── The mass message's page: who sent and who did not; 催办 the one who did not. ──
    await console_.reload();
    await byTest(console_, "mass-detail").waitFor();
    const cards = byTest(console_, "completion-cards");
    await cards.filter({ hasText: "已完成" }).waitFor();
    assert.match(await cards.innerText(), /2\s*应完成[\s\S]*1\s*已完成[\s\S]*50\.0%\s*完成率/);
    const row = (userid: string) => console_.locator('[data-test="campaign-guides"] .el-table__row', { hasText: nameOf(userid) });
    assert.match(await row(SENDER).innerText(), /已完成/);
    assert.match(await row(SILENT).innerText(), /未完成/);
    await byTest(console_, "campaign-remind").click();
    await console_.locator(".el-message-box").getByRole("button", { name: "发送提醒" }).click();
    await console_.locator(".el-message", { hasText: "已提醒 1 位导购" }).waitFor();
    await byTest(console_, "campaign-completion").scrollIntoViewIfNeeded();
    await shot(console_, "campaign-journey-8-mass-completion.png");
    assert.equal((await CampaignGuide.findOne({ kind: "mass", campaignId: massId, userId: SILENT }).lean())?.remindCount, 1);
    await openTasks(guides, SILENT);
    await byTest(guides, "guide-app-message").filter({ hasText: "催办：请发送群发消息" }).waitFor({ timeout: 15_000 });
    await shot(guides, "campaign-journey-10-sandbox-mass-reminded.png");
    assert.deepEqual(pages.errors, []);
  });
});
