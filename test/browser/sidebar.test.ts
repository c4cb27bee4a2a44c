import assert from "node:assert/strict";
import type { Response } from "playwright-core";
import { CustomerNote } from "../../server/models/CustomerNote.ts";
import { Follow } from "../../server/models/Follow.ts";
import { Member } from "../../server/models/Member.ts";
import { screenshot, standInCalls, useBrowser, waitForCount, waitForStandInCall } from "../support/browser.ts";
import { ACCESS_TOKEN, nockToken, wecomApi } from "../support/wecomNock.ts";
import { SAMPLE } from "../support/wecomSecrets.ts";
import { byTest, seedGuideWorld, WELCOME } from "./sidebarWorld.ts";

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
    assert.match(await byTest(page, "order-item").innerText(), /SO20240001[\s\S]*¥4,380/);
    assert.match(await byTest(page, "customer-group").innerText(), /静安会员福利群/);
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
    assert.deepEqual((await Member.findOne({ memberNo: "M10000001" }).lean())?.tagIds, ["etSkin", "etVip"], "the member's tags follow the follow's");

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
    for (const secret of ["李先生", "三里屯", "M10000002"]) {
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
