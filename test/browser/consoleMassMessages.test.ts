// The console's 群发 in a browser at 1440 and 400 px: the list, the composer (a refusal shown at
// its field, then a message to a segment with its count and the WeChat preview, sent now), and a
// dispatched message's detail with progress, delivery figures, the WeCom reminder's remaining
// count, a refused guide and the completion; then a message to the groups of a chosen owner
// (指定群主: refused with nobody picked, then the owner's group count). Screenshots go to
// docs/screenshots/mass-*.png.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { assignCampaignGuides, markCampaignGuideDone, markCampaignGuideFailed, setCampaignGuideFigures } from "../../server/commands/campaignCompletion.ts";
import { Department } from "../../server/models/Department.ts";
import { Employee } from "../../server/models/Employee.ts";
import { Group } from "../../server/models/Group.ts";
import { MassMessage } from "../../server/models/MassMessage.ts";
import { Segment } from "../../server/models/Segment.ts";
import { byTest, fieldError, useBrowser } from "../support/browser.ts";
import { nockToken } from "../support/wecomNock.ts";
import { someMembers } from "../massMessages/support.ts";

const DOCS_SHOTS = path.resolve(import.meta.dirname, "..", "..", "docs", "screenshots");
const GUIDES = [
  { userId: "guideA", name: "张导购" },
  { userId: "guideB", name: "李导购" },
  { userId: "guideC", name: "王导购" },
];

async function shot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(DOCS_SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(DOCS_SHOTS, name), fullPage: true });
}

// A store with three guides and members tagged VIP; one mass message sent this morning: two
// guides' tasks created (one sent), one refused by WeCom.
async function seed(now: Date): Promise<string> {
  await Department.create([
    { departmentId: 1, name: "某某美妆", parentId: 0 },
    { departmentId: 101, name: "上海静安店", parentId: 1 },
  ]);
  await Employee.create([{ userId: "opA", name: "唐运营", departmentIds: [1], mainDepartmentId: 1, role: "operator" }, ...GUIDES.map((guide) => ({ ...guide, departmentIds: [101], mainDepartmentId: 101 }))]);
  await someMembers(GUIDES.flatMap((guide, index) => [0, 1, 2].map((n) => ({ externalUserIds: [`wm-${index}-${n}`], guideUserIds: [guide.userId] }))));
  const segment = await Segment.create({ name: "VIP 会员", rule: { tags: { any: ["tag-vip"] } } });
  const dispatchedAt = new Date(now.getTime() - 3 * 3_600_000);
  const sent = await MassMessage.create({
    name: "双十二会员日预告",
    text: "亲爱的会员，双十二会员日本周六开始：全场满 300 减 50，金卡会员再送保温杯。",
    attachments: [{ kind: "link", title: "会员日活动详情", url: "https://example.com/vip-day" }],
    audience: { kind: "segment", segmentId: String(segment._id) },
    status: "sent",
    plan: GUIDES.map((guide) => ({ userId: guide.userId, chunks: 1, recipients: 3 })),
    progress: { planned: 9, unreachable: 1, guides: 3, tasks: 3, tasksCreated: 2, tasksFailed: 1 },
    totals: { delivered: 2, notFriend: 1, capped: 0, unsent: 3, guidesSent: 1 },
    plannedAt: dispatchedAt,
    dispatchedAt,
    syncedAt: now,
    remindedAt: [new Date(now.getTime() - 3_600_000)],
  });
  const id = String(sent._id);
  await assignCampaignGuides("mass", id, GUIDES.map((guide) => guide.userId), dispatchedAt);
  await markCampaignGuideDone("mass", id, "guideA", now);
  await setCampaignGuideFigures("mass", id, "guideA", { delivered: 2, notFriend: 1, capped: 0 });
  await markCampaignGuideFailed("mass", id, "guideC", "企业微信拒绝（40003）：导购账号无效", dispatchedAt);
  return id;
}

describe("the console's 群发 for an operator in a browser", function () {
  this.timeout(180_000);
  const suite = useBrowser();
  beforeEach(() => {
    nockToken();
  });

  it("should list, refuse a message without content at the field, send one to a segment with its count and preview, and show a dispatched one's detail", async () => {
    await seed(new Date());
    const page = await suite.newPage("console", { wecomUserId: "opA" });
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(`${suite.server.url}/console/`);
    await byTest(page, "login-qr").click();
    await byTest(page, "nav-massMessages").click();
    await byTest(page, "mass-row").first().waitFor();
    await shot(page, "mass-list-1440.png");

    await byTest(page, "mass-new").click();
    await byTest(page, "mass-name").fill("冬季护理券");
    await byTest(page, "mass-send").click();
    const textError = page.locator(".el-form-item", { hasText: "文字" }).first().locator(".el-form-item__error");
    await textError.waitFor();
    assert.match((await textError.textContent()) ?? "", /请填写文字或添加附件/);
    assert.equal(await MassMessage.countDocuments(), 1, "nothing stored");
    await byTest(page, "mass-text").fill("亲爱的会员，冬季护理券已放入你的账户：到店护理立减 50 元，12 月 31 日前有效。");
    await byTest(page, "mass-segment").click();
    await page.locator(".el-select-dropdown__item:visible", { hasText: "VIP 会员" }).first().click();
    await byTest(page, "mass-audience-count").waitFor();
    assert.match((await byTest(page, "mass-audience-count").textContent()) ?? "", /9 位有导购的会员/);
    await byTest(page, "mass-preview").getByText("冬季护理券已放入").waitFor();
    await page.waitForTimeout(300);
    await shot(page, "mass-editor-1440.png");
    await byTest(page, "mass-send").click();
    await byTest(page, "mass-detail").waitFor();
    const created = await MassMessage.findOne({ name: "冬季护理券" }).lean();
    assert.equal(created?.status, "scheduled");

    await page.goto(`${suite.server.url}/console/#/mass-messages`);
    await byTest(page, "mass-row").filter({ hasText: "双十二" }).click();
    await byTest(page, "mass-detail").waitFor();
    assert.equal((await byTest(page, "mass-status").textContent())?.trim(), "已发出");
    assert.match((await byTest(page, "mass-remind").textContent()) ?? "", /24 小时内还可提醒 2 次/);
    assert.match((await byTest(page, "mass-progress").textContent()) ?? "", /2 \/ 3 个企业微信任务，1 个被拒绝/);
    await byTest(page, "mass-retry").waitFor();
    await page.getByText("张导购").first().waitFor();
    // The send's toast has gone by the time of the shot.
    await page.locator(".el-message").first().waitFor({ state: "detached", timeout: 10_000 });
    await shot(page, "mass-detail-1440.png");

    await page.setViewportSize({ width: 400, height: 800 });
    await byTest(page, "mass-detail").waitFor();
    await shot(page, "mass-detail-400.png");
    await page.goto(`${suite.server.url}/console/#/mass-messages`);
    await byTest(page, "mass-row").first().waitFor();
    await shot(page, "mass-list-400.png");
    suite.assertCleanRun();
  });

  it("should send to the groups of a chosen owner: refused with nobody picked, then the owner's group count and name on the detail", async () => {
    await seed(new Date());
    await Group.create([
      { chatId: "chat-a1", name: "静安会员群", ownerId: "guideA" },
      { chatId: "chat-a2", name: "静安福利群", ownerId: "guideA" },
      { chatId: "chat-b1", name: "李导购的群", ownerId: "guideB" },
    ]);
    const page = await suite.newPage("console", { wecomUserId: "opA" });
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(`${suite.server.url}/console/`);
    await byTest(page, "login-qr").click();
    await byTest(page, "nav-massMessages").click();
    await byTest(page, "mass-new").click();
    await byTest(page, "mass-name").fill("静安门店群公告");
    await byTest(page, "mass-text").fill("各位群友，本周六会员日：群内专享满 300 减 50。");
    await byTest(page, "mass-audience-kind").getByText("客户群").click();
    await byTest(page, "mass-audience-count").filter({ hasText: "3 个客户群" }).waitFor();
    await byTest(page, "mass-group-scope").getByText("指定群主").click();
    await byTest(page, "mass-send").click();
    await fieldError(page, "mass-owners-item").filter({ hasText: "请选择群主" }).waitFor();
    assert.equal(await MassMessage.countDocuments(), 1, "nothing stored");

    // Only owners of a group are offered: 王导购 owns none.
    await byTest(page, "mass-owners").click();
    await byTest(page, "mass-owners-option").first().waitFor();
    assert.deepEqual((await page.locator('[data-test="mass-owners-option"]:visible > span:first-child').allTextContents()).sort(), ["张导购", "李导购"].sort());
    const filter = byTest(page, "mass-owners").locator("input").first();
    await filter.pressSequentially("张");
    await page.locator('[data-test="mass-owners-option"]:visible', { hasText: "张导购" }).first().click();
    await byTest(page, "mass-audience-count").filter({ hasText: "2 个客户群" }).waitFor();
    // The refusal goes once an owner is picked.
    await fieldError(page, "mass-owners-item").waitFor({ state: "detached" });
    // Close the picker's list so the count shows (a label click would open it again).
    await page.getByText("客户在微信里看到的样子").click();
    await page.locator('[data-test="mass-owners-option"]:visible').first().waitFor({ state: "hidden" });
    // The dialog scrolls on its own: bring the owners and their count into the shot.
    const showCount = () => byTest(page, "mass-audience-count").evaluate((element) => element.scrollIntoView({ block: "center" }));
    await showCount();
    await page.waitForTimeout(300);
    await shot(page, "mass-owners-1440.png");
    await page.setViewportSize({ width: 400, height: 800 });
    await showCount();
    await page.waitForTimeout(300);
    await shot(page, "mass-owners-400.png");

    await byTest(page, "mass-send").click();
    await byTest(page, "mass-detail").waitFor();
    assert.match((await byTest(page, "mass-audience").textContent()) ?? "", /客户群：群主 张导购/);
    const created = await MassMessage.findOne({ name: "静安门店群公告" }).lean();
    assert.deepEqual([created?.status, created?.audience.ownerIds], ["scheduled", ["guideA"]]);
    suite.assertCleanRun();
  });
});
