import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { countCodeAdd, countCodeFollowEnd } from "../../server/commands/channelCodeStatCounter.ts";
import { countFunnelJoins, countFunnelLeaves } from "../../server/commands/funnelStatCounter.ts";
import { ChannelCode } from "../../server/models/ChannelCode.ts";
import { Department } from "../../server/models/Department.ts";
import { Employee } from "../../server/models/Employee.ts";
import { Funnel } from "../../server/models/Funnel.ts";
import { byTest, screenshot, useBrowser } from "../support/browser.ts";
import { nockToken } from "../support/wecomNock.ts";

const DAY_MS = 86_400_000;
const daysAgo = (days: number, hour = 11) => new Date(Math.floor((Date.now() + 8 * 3_600_000) / DAY_MS) * DAY_MS - days * DAY_MS + (hour - 8) * 3_600_000);

// Two guides of two stores, a code with adds and deletions over the last weeks, and a funnel
// with joins and leaves, all counted by the same commands the event handlers call.
async function seed(): Promise<{ codeName: string }> {
  await Department.create([
    { departmentId: 1, name: "某某美妆", parentId: 0 },
    { departmentId: 101, name: "上海静安店", parentId: 1 },
    { departmentId: 102, name: "上海徐汇店", parentId: 1 },
  ]);
  await Employee.create([
    { userId: "opA", name: "唐运营", departmentIds: [1], mainDepartmentId: 1, role: "operator" },
    { userId: "guideA", name: "张导购", departmentIds: [101], mainDepartmentId: 101 },
    { userId: "guideB", name: "李导购", departmentIds: [102], mainDepartmentId: 102 },
  ]);
  const code = await ChannelCode.create({ name: "静安店·门口海报", channel: "门店海报", type: "multi", state: "poster_jingan", guides: [{ userId: "guideA" }, { userId: "guideB" }], status: "active" });
  const codeId = String(code._id);
  let customer = 0;
  for (const [ago, guide, count] of [[20, "guideA", 4], [18, "guideB", 3], [12, "guideA", 5], [9, "guideB", 2], [5, "guideA", 3], [2, "guideA", 2]] as const) {
    for (let index = 0; index < count; index += 1) {
      customer += 1;
      await countCodeAdd({ codeId, userId: guide, externalUserId: `wmBrowser${customer}`, dedupeKey: `k${customer}`, at: daysAgo(ago) });
    }
  }
  await countCodeFollowEnd({ externalUserId: "wmBrowser1", userId: "guideA", by: "customer", at: daysAgo(17) });
  await countCodeFollowEnd({ externalUserId: "wmBrowser5", userId: "guideB", by: "guide", at: daysAgo(10) });
  await countCodeFollowEnd({ externalUserId: "wmBrowser9", userId: "guideA", by: "customer", at: daysAgo(3) });
  const funnel = await Funnel.create({
    slug: "spring",
    name: "春季会员福利群",
    state: "g-spring",
    groups: [
      { key: "wrA", kind: "wecom", chatId: "wrA", name: "会员福利一群", memberCount: 6 },
      { key: "wrB", kind: "wecom", chatId: "wrB", name: "会员福利二群", memberCount: 2 },
    ],
    stats: { visits: 40, visitors: 25, joins: 9 },
  });
  const funnelId = String(funnel._id);
  await countFunnelJoins({ funnelId, chatId: "wrA", memberIds: ["wmJoiner0001", "wmJoiner0002", "wmJoiner0003", "wmJoiner0004"], version: "v1", at: daysAgo(14) });
  await countFunnelJoins({ funnelId, chatId: "wrA", memberIds: ["wmJoiner0005", "wmJoiner0006", "wmJoiner0007"], version: "v2", at: daysAgo(8) });
  await countFunnelJoins({ funnelId, chatId: "wrB", memberIds: ["wmJoiner0008", "wmJoiner0009"], version: "v1", at: daysAgo(3) });
  await countFunnelLeaves({ funnelId, chatId: "wrA", memberIds: ["wmJoiner0001"], version: "v3", at: daysAgo(12) });
  return { codeName: code.name };
}

const at = async (page: Page, width: number) => page.setViewportSize({ width, height: width > 800 ? 900 : 800 });
// ECharts draws with an animation: the picture is taken once it has settled.
const settled = (page: Page) => page.waitForTimeout(1_500);

describe("the console's 数据统计 for channel codes and funnels in a browser", function () {
  this.timeout(180_000);
  const suite = useBrowser();
  beforeEach(() => nockToken());

  it("should show a code's adds, deletions, net and retention by guide and store, the overview, and a funnel's stats, at 1440 and 400 px", async () => {
    const { codeName } = await seed();
    const page = await suite.newPage("console", { wecomUserId: "opA" });
    await at(page, 1440);
    await page.goto(`${suite.server.url}/console/`);
    await byTest(page, "login-qr").click();
    await byTest(page, "nav-channelCodes").click();
    await byTest(page, "code-row").filter({ hasText: codeName }).waitFor();
    await byTest(page, "code-stats").first().click();
    await byTest(page, "stats-total").filter({ hasText: "共添加 19 人" }).waitFor();
    const table = byTest(page, "stats-table");
    await table.getByText("张导购").waitFor();
    assert.match((await table.innerText()).replace(/\s+/g, " "), /张导购 14 2 0 \+12/);
    // A narrower range through the picker: the adds of the last 12 days only.
    const chinaDay = (at: Date) => new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
    const picker = byTest(page, "stats-range").locator("input");
    await picker.nth(0).fill(chinaDay(daysAgo(12)));
    await picker.nth(1).fill(chinaDay(daysAgo(0)));
    await picker.nth(1).press("Enter");
    await byTest(page, "stats-total").filter({ hasText: "共添加 12 人" }).waitFor();
    assert.match(await byTest(page, "stats-export").getAttribute("href") ?? "", new RegExp(`stats\\.xlsx\\?from=${chinaDay(daysAgo(12))}&to=${chinaDay(daysAgo(0))}$`));
    await settled(page);
    await screenshot(page, "stats-code-1440.png");
    await byTest(page, "stats-group-by").getByText("按门店").click();
    await table.getByText("上海徐汇店").waitFor();
    await page.keyboard.press("Escape");
    await table.waitFor({ state: "hidden" });
    // A phone-sized window from the start, as a manager on the road opens it.
    await at(page, 400);
    await page.reload();
    await byTest(page, "code-stats").first().click();
    await byTest(page, "stats-total").filter({ hasText: "共添加 19 人" }).waitFor();
    await settled(page);
    await screenshot(page, "stats-code-400.png");
    await page.keyboard.press("Escape");
    await table.waitFor({ state: "hidden" });

    await at(page, 1440);
    await byTest(page, "code-overview").click();
    await byTest(page, "overview-total").filter({ hasText: "添加 19 人，净增 +16" }).waitFor();
    await settled(page);
    await screenshot(page, "stats-overview-1440.png");
    await page.keyboard.press("Escape");
    await byTest(page, "overview-table").waitFor({ state: "hidden" });

    await byTest(page, "nav-funnels").click();
    await byTest(page, "funnel-stats").first().click();
    await byTest(page, "funnel-stats-total").filter({ hasText: "扫码入群 9 人" }).waitFor();
    const groups = byTest(page, "funnel-stats-groups");
    await groups.getByText("会员福利一群").waitFor();
    assert.match((await groups.innerText()).replace(/\s+/g, " "), /会员福利一群 6 7 1 85\.7%/);
    await settled(page);
    await screenshot(page, "stats-funnel-1440.png");
    await page.keyboard.press("Escape");
    await groups.waitFor({ state: "hidden" });
    await at(page, 400);
    await page.reload();
    await byTest(page, "funnel-stats").first().click();
    await byTest(page, "funnel-stats-total").filter({ hasText: "扫码入群 9 人" }).waitFor();
    await settled(page);
    await screenshot(page, "stats-funnel-400.png");
    suite.assertCleanRun();
  });
});
