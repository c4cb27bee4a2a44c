import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { ChannelCode } from "../../server/models/ChannelCode.ts";
import { Department } from "../../server/models/Department.ts";
import { Employee } from "../../server/models/Employee.ts";
import { screenshot, useBrowser } from "../support/browser.ts";
import { nockToken, wecomApi } from "../support/wecomNock.ts";

const byTest = (page: Page, name: string) => page.locator(`[data-test="${name}"]`);

// An operator (who sets codes up) and two guides of one store, found by name in the pickers.
async function seed(): Promise<void> {
  await Department.create([
    { departmentId: 1, name: "某某美妆", parentId: 0 },
    { departmentId: 101, name: "上海静安店", parentId: 1 },
  ]);
  await Employee.create([
    { userId: "opA", name: "唐运营", departmentIds: [1], mainDepartmentId: 1, role: "operator" },
    { userId: "guideA", name: "张导购", departmentIds: [101], mainDepartmentId: 101 },
    { userId: "guideB", name: "李导购", departmentIds: [101], mainDepartmentId: 101 },
  ]);
}

/** Type into an open remote select and pick the first option it offers. */
async function pick(page: Page, picker: string, words: string): Promise<void> {
  await byTest(page, picker).click();
  // Replace what the select's filter holds (a multiple select may keep the last search).
  const filter = byTest(page, picker).locator("input").first();
  await filter.fill("");
  await filter.pressSequentially(words);
  await page.locator(`[data-test="${picker}-option"]:visible`, { hasText: words }).first().click({ timeout: 20_000 });
}

describe("the console's 渠道活码 and 群活码 for an operator in a browser", function () {
  this.timeout(120_000);
  const suite = useBrowser();
  beforeEach(async () => {
    nockToken();
    await seed();
  });

  it("should create a channel code through the editor and list it by the guides' names, and open 群活码", async () => {
    let sent: Record<string, unknown> | null = null;
    const add = wecomApi()
      .post("/cgi-bin/externalcontact/add_contact_way", (body: Record<string, unknown>) => {
        sent = body;
        return true;
      })
      .query(true)
      .reply(200, { errcode: 0, errmsg: "ok", config_id: "cfg-browser", qr_code: "https://wework.qpic.cn/browser.png" });

    const page = await suite.newPage("console", { wecomUserId: "opA" });
    await page.goto(`${suite.server.url}/console/`);
    await byTest(page, "login-qr").click();
    await byTest(page, "nav-channelCodes").click();
    await byTest(page, "code-new").click();
    await byTest(page, "code-name").fill("静安店·门口海报");
    await byTest(page, "code-channel").fill("门店海报");
    await pick(page, "code-guides", "张导购");
    await pick(page, "code-guides", "李导购");
    await page.locator(".el-dialog__title").click();
    // 张导购 answers on weekday mornings only; 李导购 keeps no slots (around the clock).
    await byTest(page, "code-guide").first().locator('[data-test="schedule-add"]').click();
    await byTest(page, "code-welcome").fill("您好，");
    await page.getByText("插入客户昵称").click();
    await byTest(page, "code-save").click();

    await page.locator('[data-test="code-row"]', { hasText: "静安店·门口海报" }).waitFor();
    assert.ok(add.isDone(), "the code was created in WeCom");
    // Who WeCom gets depends on the hour: 李导购 (no slots) is always among them.
    const body = sent as { remark?: string; user?: string[] } | null;
    assert.equal(body?.remark, "静安店·门口海报");
    assert.ok(body?.user?.includes("guideB"), JSON.stringify(body));
    const stored = await ChannelCode.findOne({ name: "静安店·门口海报" }).lean();
    assert.ok(stored);
    assert.deepEqual(stored.guides.map((guide) => guide.userId), ["guideA", "guideB"]);
    assert.deepEqual(stored.guides[0]?.slots.map((slot) => slot.day), [1, 2, 3, 4, 5]);
    assert.equal(stored.guides[1]?.slots.length, 0);
    assert.equal(stored.channel, "门店海报");
    assert.equal(stored.welcome?.text, "您好，{客户昵称}");
    assert.match(await byTest(page, "code-table").innerText(), /张导购[\s\S]*李导购/, "guides by name, not by account");
    await screenshot(page, "console-channel-codes.png");

    await byTest(page, "code-answering").first().click();
    await byTest(page, "answering-now").waitFor();
    await page.keyboard.press("Escape");

    await byTest(page, "nav-funnels").click();
    await byTest(page, "funnel-new").waitFor();
    await byTest(page, "state-empty").waitFor();
    suite.assertCleanRun();
  });
});
