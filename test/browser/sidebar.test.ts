import assert from "node:assert/strict";
import type { Page, Response } from "playwright-core";
import { Customer } from "../../server/models/Customer.ts";
import { CustomerNote } from "../../server/models/CustomerNote.ts";
import { Department } from "../../server/models/Department.ts";
import { Employee } from "../../server/models/Employee.ts";
import { Follow } from "../../server/models/Follow.ts";
import { Group } from "../../server/models/Group.ts";
import { Member } from "../../server/models/Member.ts";
import { MemberIdentity } from "../../server/models/MemberIdentity.ts";
import { Order } from "../../server/models/Order.ts";
import { TagGroup } from "../../server/models/TagGroup.ts";
import { screenshot, standInCalls, useBrowser, waitForCount, waitForStandInCall } from "../support/browser.ts";
import { consoleSend, type TestServer } from "../support/server.ts";
import { ACCESS_TOKEN, nockToken, wecomApi } from "../support/wecomNock.ts";
import { SAMPLE } from "../support/wecomSecrets.ts";

const WELCOME = "您好，我是静安店的导购小王～有任何护肤问题随时问我，本周到店还有会员专享试用哦。";

/**
 * Store 101 with guide guideA, whose customer wmA (王小姐) is a silver member with points, tags on
 * the follow and an order; wmB (李先生) is guideB's customer in store 102. Corp tags in two
 * groups, a group chat of guideA's, and two quick replies made through the console API.
 */
async function seedGuideWorld(server: TestServer): Promise<void> {
  const now = Date.now();
  const daysAgo = (days: number) => new Date(now - days * 86_400_000);
  await Department.create([
    { departmentId: 1, name: "某某美妆", parentId: 0 },
    { departmentId: 101, name: "上海静安店", parentId: 1 },
    { departmentId: 102, name: "北京三里屯店", parentId: 1 },
  ]);
  await Employee.create([
    { userId: "guideA", name: "导购小王", departmentIds: [101], mainDepartmentId: 101, role: "guide" },
    { userId: "guideB", name: "导购小李", departmentIds: [102], mainDepartmentId: 102, role: "guide" },
  ]);
  await Customer.create([
    { externalUserId: "wmA", name: "王小姐", wecomType: 1, gender: 2 },
    { externalUserId: "wmB", name: "李先生", wecomType: 1, gender: 1 },
    { externalUserId: "wmC", name: "路人甲", wecomType: 1 },
  ]);
  await Follow.create([
    { externalUserId: "wmA", userId: "guideA", remark: "王小姐-静安", addWay: 1, tagIds: ["etVip"], addedAt: daysAgo(120), status: "active" },
    { externalUserId: "wmB", userId: "guideB", remark: "李先生-三里屯", addWay: 1, tagIds: ["etNew"], addedAt: daysAgo(30), status: "active" },
  ]);
  await TagGroup.create([
    { groupId: "etG1", name: "客户价值", order: 2, tags: [{ id: "etVip", name: "高价值" }, { id: "etNew", name: "新客" }] },
    { groupId: "etG2", name: "兴趣偏好", order: 1, tags: [{ id: "etSkin", name: "护肤" }, { id: "etMakeup", name: "彩妆" }] },
  ]);
  // Silver (1000–5000 growth by default): 4380 growth is ¥620 short of gold.
  const [memberA, memberB] = await Member.create([
    {
      memberNo: "M00000001",
      name: "王小姐",
      phoneMasked: "138****0001",
      levelCode: "silver",
      levelValidUntil: daysAgo(-300),
      growth: 4380,
      points: 1234,
      homeStoreId: "101",
      joinedAt: daysAgo(120),
      sourceChannel: "store",
      externalUserIds: ["wmA"],
      guideUserIds: ["guideA"],
      tagIds: ["etVip"],
      groupChatIds: ["chatA"],
      metrics: { totalSpent: 438_000, orderCount: 1, averageOrderValue: 438_000, firstPurchaseAt: daysAgo(20), lastPurchaseAt: daysAgo(20), purchaseTimes: [daysAgo(20)] },
    },
    { memberNo: "M00000002", name: "李先生", levelCode: "regular", homeStoreId: "102", externalUserIds: ["wmB"], guideUserIds: ["guideB"] },
  ]);
  await MemberIdentity.create([
    { _id: "customer:wmA", kind: "customer", memberId: memberA?._id, via: "wecom", at: daysAgo(120) },
    { _id: "customer:wmB", kind: "customer", memberId: memberB?._id, via: "wecom", at: daysAgo(30) },
  ]);
  await Order.create({ _id: "store:SO20240001", channel: "store", orderNo: "SO20240001", memberId: memberA?._id, amount: 438_000, status: "paid", paidAt: daysAgo(20), storeId: "101", guideUserId: "guideA" });
  await Group.create({
    chatId: "chatA",
    name: "静安会员福利群",
    ownerId: "guideA",
    members: [
      { id: "guideA", type: "employee", status: "in", joinScene: 1, joinedAt: daysAgo(60) },
      { id: "wmA", type: "customer", name: "王小姐", status: "in", joinScene: 3, joinedAt: daysAgo(50) },
      { id: "wmC", type: "customer", name: "路人甲", status: "in", joinScene: 3, joinedAt: daysAgo(10) },
    ],
  });
  // The library as an operator builds it in the console.
  const welcome = await consoleSend(server, "POST", "/api/console/quick-reply-folders", { name: "开场白" });
  const afterSale = await consoleSend(server, "POST", "/api/console/quick-reply-folders", { name: "售后" });
  assert.equal(welcome.status, 201, JSON.stringify(welcome.body));
  const folderId = (welcome.body.data as { id: string }).id;
  const afterSaleId = (afterSale.body.data as { id: string }).id;
  for (const reply of [
    { folderId, title: "欢迎语", kind: "text", content: { text: WELCOME } },
    { folderId: afterSaleId, title: "退换货说明", kind: "text", content: { text: "未拆封商品 7 天内可凭小票到店退换。" } },
  ]) {
    const created = await consoleSend(server, "POST", "/api/console/quick-replies", reply);
    assert.equal(created.status, 201, JSON.stringify(created.body));
  }
}

const byTest = (page: Page, name: string) => page.locator(`[data-test="${name}"]`);

describe("the sidebar in a browser (guide guideA)", function () {
  this.timeout(60_000);
  const suite = useBrowser();

  beforeEach(() => seedGuideWorld(suite.server));

  it("should log in through WeCom OAuth, show the customer's membership and tags, tag them, take a note and send a quick reply", async () => {
    const page = await suite.newPage("sidebar", { wecomUserId: "guideA" });
    await page.goto(`${suite.server.url}/sidebar/?entry=single_chat_tools&contact=wmA`);

    // Logged out: the page went to WeCom's OAuth, came back with a code, and is where it was.
    await byTest(page, "customer-name").waitFor();
    assert.equal(suite.logins.length, 1);
    const [login] = suite.logins;
    assert.equal(login?.mode, "oauth");
    assert.equal(login?.url.searchParams.get("scope"), "snsapi_base");
    assert.equal(login?.url.searchParams.get("appid"), SAMPLE.receiveId);
    assert.equal(new URL(page.url()).search, "?entry=single_chat_tools&contact=wmA");

    assert.equal(await byTest(page, "customer-name").innerText(), "王小姐");
    assert.equal(await byTest(page, "member-level").innerText(), "银卡会员");
    assert.match(await byTest(page, "level-progress").innerText(), /还差 ¥620 升级金卡会员/);
    assert.equal(await byTest(page, "level-progress").getAttribute("data-ratio"), "0.845");
    assert.equal(await byTest(page, "points").innerText(), "1234");
    assert.deepEqual(await byTest(page, "tag-chip").evaluateAll((chips) => chips.map((chip) => [chip.getAttribute("data-tag-id"), chip.textContent?.trim()])), [["etVip", "高价值"]]);

    // Tag: the picker shows the corp's tags; saving calls WeCom's mark_tag for this guide's follow.
    let markTagBody: unknown = null;
    nockToken();
    const markTag = wecomApi()
      .post("/cgi-bin/externalcontact/mark_tag", (body: unknown) => {
        markTagBody = body;
        return true;
      })
      .query({ access_token: ACCESS_TOKEN })
      .reply(200, { errcode: 0, errmsg: "ok" });
    await byTest(page, "tag-edit").click();
    await page.locator('[data-test="tag-option"][data-tag-id="etSkin"]').click();
    assert.equal(await page.locator('[data-test="tag-option"][data-tag-id="etSkin"]').getAttribute("aria-pressed"), "true");
    assert.equal(await page.locator('[data-test="tag-option"][data-tag-id="etVip"]').getAttribute("aria-pressed"), "true", "the follow's tag is preselected");
    await byTest(page, "tag-save").click();
    await page.locator('[data-test="tag-chip"][data-tag-id="etSkin"]').waitFor();
    assert.ok(markTag.isDone());
    assert.deepEqual(markTagBody, { userid: "guideA", external_userid: "wmA", add_tag: ["etSkin"], remove_tag: [] });
    assert.deepEqual(await byTest(page, "tag-chip").allInnerTexts(), ["高价值", "护肤"]);
    assert.deepEqual((await Follow.findOne({ externalUserId: "wmA", userId: "guideA" }).lean())?.tagIds, ["etVip", "etSkin"]);
    assert.deepEqual((await Member.findOne({ memberNo: "M00000001" }).lean())?.tagIds, ["etSkin", "etVip"], "the member's tags follow the follow's");

    // Note: it shows at the top of the list and is stored under this guide.
    const note = "到店试用了保湿精华，偏好清爽型，下周二再来。";
    await byTest(page, "note-input").fill(note);
    await byTest(page, "note-save").click();
    await page.locator('[data-test="note-item"]', { hasText: note }).waitFor();
    assert.match(await byTest(page, "note-item").first().innerText(), /导购小王/);
    assert.equal(await byTest(page, "note-input").inputValue(), "", "the box empties after saving");
    const stored = await CustomerNote.find({ externalUserId: "wmA" }).lean();
    assert.deepEqual(stored.map((row) => [row.authorUserId, row.text]), [["guideA", note]]);

    // The whole profile, from the top, once the "标签已更新" toast is gone.
    await page.locator(".van-toast").waitFor({ state: "hidden" });
    await byTest(page, "customer-name").scrollIntoViewIfNeeded();
    await screenshot(page, "sidebar-customer.png");

    // Quick reply: search the library, send one; the JS-SDK stand-in records what went to the chat.
    await byTest(page, "tab-quick-replies").click();
    await page.locator('[data-test="quick-reply-item"]', { hasText: "退换货说明" }).waitFor();
    assert.equal(await byTest(page, "quick-reply-item").count(), 2);
    await byTest(page, "quick-reply-search").fill("欢迎");
    await waitForCount(page, '[data-test="quick-reply-item"]', 1);
    const item = page.locator('[data-test="quick-reply-item"]', { hasText: "欢迎语" });
    await item.locator('[data-test="quick-reply-send"]').click();
    await waitForStandInCall(page, "sendChatMessage");
    const sends = (await standInCalls(page)).filter((call) => call.api === "sendChatMessage");
    assert.deepEqual(sends, [{ api: "sendChatMessage", args: [{ msgtype: "text", text: { content: WELCOME } }] }]);
    suite.assertCleanRun();
  });

  it("should refuse another guide's customer without showing anything about them", async () => {
    const page = await suite.newPage("sidebar", { wecomUserId: "guideA" });
    const answers: Response[] = [];
    page.on("response", (response) => {
      if (response.url().includes("/api/sidebar/")) {
        answers.push(response);
      }
    });
    await page.goto(`${suite.server.url}/sidebar/?entry=single_chat_tools&contact=wmB`);
    await byTest(page, "error-message").waitFor();
    assert.equal(await byTest(page, "error-message").innerText(), "该客户不是您的客户");
    assert.equal(await byTest(page, "retry").count(), 0, "a refusal offers nothing to retry");
    assert.equal(await byTest(page, "customer-name").count(), 0);
    const refusal = answers.find((answer) => new URL(answer.url()).pathname === "/api/sidebar/customers/wmB");
    assert.equal(refusal?.status(), 403);
    assert.deepEqual(await refusal?.json(), { ok: false, status: 403, error: "authorization_error", message: "该客户不是您的客户" });
    const body = await page.locator("body").innerText();
    const html = await page.content();
    const texts = await Promise.all(answers.map((answer) => answer.text()));
    for (const secret of ["李先生", "三里屯", "M00000002"]) {
      assert.ok(!body.includes(secret) && !html.includes(secret), `the page shows "${secret}"`);
      assert.ok(!texts.some((text) => text.includes(secret)), `an answer to the page carries "${secret}"`);
    }
    assert.equal(suite.logins.length, 1);
    suite.assertCleanRun();
  });

  it("should show the guide's group chat with its members", async () => {
    const page = await suite.newPage("sidebar", { wecomUserId: "guideA" });
    await page.goto(`${suite.server.url}/sidebar/?entry=group_chat_tools&chat=chatA`);
    await byTest(page, "group-name").waitFor();
    assert.equal(await byTest(page, "group-name").innerText(), "静安会员福利群");
    assert.match(await page.locator(".group-header").innerText(), /群主 导购小王 · 3 人/);
    const members = byTest(page, "group-member");
    assert.equal(await members.count(), 1, "only the customers who are members are listed");
    assert.equal(await members.getAttribute("data-external-user-id"), "wmA");
    assert.match(await members.innerText(), /王小姐[\s\S]*银卡会员/);
    assert.match(await page.locator("body").innerText(), /另有 1 位客户尚未成为会员/);
    await screenshot(page, "sidebar-group.png");
    assert.deepEqual(
      (await standInCalls(page)).map((call) => call.api),
      ["getContext", "getCurExternalChat"],
    );
    suite.assertCleanRun();
  });
});
