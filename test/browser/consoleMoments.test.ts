// The console's 朋友圈 in a browser at 1440 and 400 px: the month by day with the content-mix
// warning, the composer (a refusal shown at its field, then a moment scheduled with guides picked
// by name and its WeChat preview), and a sent moment's detail with invalid senders, likes and
// comments and the completion. Screenshots go to docs/screenshots/moments-*.png.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { assignCampaignGuides, markCampaignGuideDone, markCampaignGuideFailed, setCampaignGuideFigures } from "../../server/commands/campaignCompletion.ts";
import { createMoment } from "../../server/commands/momentEditor.ts";
import { chinaMonth } from "../../server/domain/momentRules.ts";
import { Department } from "../../server/models/Department.ts";
import { Employee } from "../../server/models/Employee.ts";
import { CampaignGuide } from "../../server/models/CampaignGuide.ts";
import { Moment } from "../../server/models/Moment.ts";
import { byTest, useBrowser } from "../support/browser.ts";
import { nockToken } from "../support/wecomNock.ts";

const DOCS_SHOTS = path.resolve(import.meta.dirname, "..", "..", "docs", "screenshots");
const GUIDES = [
  { userId: "guideA", name: "张导购" },
  { userId: "guideB", name: "李导购" },
  { userId: "guideC", name: "王导购" },
  { userId: "guideD", name: "赵导购" },
];

async function shot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(DOCS_SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(DOCS_SHOTS, name), fullPage: true });
}

/** Pick the first option a remote select offers for the words. */
async function pick(page: Page, picker: string, words: string): Promise<void> {
  await byTest(page, picker).click();
  const filter = byTest(page, picker).locator("input").first();
  await filter.fill("");
  await filter.pressSequentially(words);
  await page.locator(`[data-test="${picker}-option"]:visible`, { hasText: words }).first().click({ timeout: 20_000 });
}

// This month: three care drafts and an ad planned, and one care moment sent this morning to the
// store's four guides: two published (likes, comments), one not yet, one WeCom could not reach.
async function seed(now: Date): Promise<string> {
  await Department.create([
    { departmentId: 1, name: "某某美妆", parentId: 0 },
    { departmentId: 101, name: "上海静安店", parentId: 1 },
  ]);
  await Employee.create([
    { userId: "opA", name: "唐运营", departmentIds: [1], mainDepartmentId: 1, role: "operator" },
    ...GUIDES.map((guide) => ({ ...guide, departmentIds: [101], mainDepartmentId: 101 })),
  ]);
  const base = { attachment: { type: "none" as const, fileIds: [], link: null }, publishers: { departmentIds: [101], userIds: [] }, visibleTagIds: [], syncDays: 3 };
  const texts: [string, "care" | "ads", number][] = [
    ["天冷了，出门多穿一件，门店为会员准备了热姜茶。", "care", 2],
    ["冬季护手小课堂：洗手后趁湿涂护手霜。", "care", 26],
    ["双十二会员日：全场满 300 减 50。", "ads", 50],
  ];
  for (const [text, kind, hours] of texts) {
    await createMoment({ input: { ...base, text, kind, scheduledAt: new Date(now.getTime() + hours * 3_600_000), draft: hours === 26 }, createdBy: "opA", now });
  }
  const sentAt = new Date(now.getTime() - 3 * 3_600_000);
  const sent = await Moment.create({
    ...base,
    text: "早安！今天降温，记得给皮肤多一层保湿。有问题随时问我～",
    kind: "care",
    scheduledAt: sentAt,
    month: chinaMonth(sentAt),
    status: "sent",
    jobId: "JOB_B",
    momentId: "MOM_B",
    sentAt,
    senderUserIds: GUIDES.map((guide) => guide.userId),
    invalidUserIds: ["guideD"],
    totals: { published: 2, likes: 17, comments: 4 },
    lastSyncedAt: now,
  });
  const id = String(sent._id);
  await assignCampaignGuides("moment", id, GUIDES.map((guide) => guide.userId), sentAt);
  await markCampaignGuideFailed("moment", id, "guideD", "企业微信未能下发：账号无效、未激活或不在应用可见范围", sentAt);
  for (const [userId, likes, comments] of [["guideA", 12, 3], ["guideB", 5, 1]] as const) {
    await markCampaignGuideDone("moment", id, userId, now);
    await setCampaignGuideFigures("moment", id, userId, { likes, comments });
  }
  return id;
}

describe("the console's 朋友圈 for an operator in a browser", function () {
  this.timeout(180_000);
  const suite = useBrowser();
  beforeEach(() => {
    nockToken();
  });

  it("should show the month with the mix warning, refuse a moment without publishers at the field, schedule one with its preview, open a sent one's detail and retry the guide WeCom could not reach", async () => {
    const sentId = await seed(new Date());
    const page = await suite.newPage("console", { wecomUserId: "opA" });
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(`${suite.server.url}/console/`);
    await byTest(page, "login-qr").click();
    await byTest(page, "nav-moments").click();
    await byTest(page, "moment-row").first().waitFor();
    await byTest(page, "moment-mix-warning").first().waitFor();
    assert.match((await byTest(page, "moment-mix-warning").first().textContent()) ?? "", /广告占 33%/);
    await shot(page, "moments-list-1440.png");

    await byTest(page, "moment-new").click();
    await byTest(page, "moment-text").fill("大雪节气，喝碗热汤暖暖身子。静安店今天为会员准备了姜枣茶，路过进来坐坐～");
    await byTest(page, "moment-kind").getByText("关怀").click();
    await byTest(page, "moment-save").click();
    const publishersError = page.locator(".el-form-item", { hasText: "发表人" }).locator(".el-form-item__error");
    await publishersError.waitFor();
    assert.match((await publishersError.textContent()) ?? "", /请选择发表的门店、部门或导购/);
    assert.equal(await Moment.countDocuments(), 4, "nothing stored");
    await pick(page, "moment-guides", "张导购");
    await pick(page, "moment-guides", "李导购");
    await page.keyboard.press("Escape");
    await byTest(page, "moment-preview").getByText("张导购").waitFor();
    // Picking guides takes the refusal away at once, before any save.
    await publishersError.waitFor({ state: "detached" });
    // The guide list fades out before the shot.
    await page.waitForTimeout(500);
    await shot(page, "moments-editor-1440.png");
    await byTest(page, "moment-save").click();
    await byTest(page, "moment-row").filter({ hasText: "大雪节气" }).waitFor();
    const created = await Moment.findOne({ text: /大雪节气/ }).lean();
    assert.equal(created?.status, "scheduled");
    assert.deepEqual(created?.publishers.userIds, ["guideA", "guideB"]);

    await byTest(page, "moment-row").filter({ hasText: "早安" }).click();
    await byTest(page, "moment-detail").waitFor();
    assert.equal((await byTest(page, "moment-status").textContent())?.trim(), "已下发");
    assert.match((await byTest(page, "moment-invalid").textContent()) ?? "", /赵导购/);
    await page.getByText("张导购").first().waitFor();
    await shot(page, "moments-detail-1440.png");
    await byTest(page, "moment-retry").click();
    await page.getByText("重试 1：1 名导购，提交中").waitFor();
    assert.equal((await CampaignGuide.findById(`moment:${sentId}:guideD`).lean())?.state, "assigned", "the unreachable guide is tried again");

    await page.setViewportSize({ width: 400, height: 800 });
    await byTest(page, "moment-detail").waitFor();
    await shot(page, "moments-detail-400.png");
    await page.goto(`${suite.server.url}/console/#/moments`);
    await byTest(page, "moment-row").first().waitFor();
    await shot(page, "moments-list-400.png");
    suite.assertCleanRun();
  });
});
