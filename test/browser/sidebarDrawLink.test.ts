// The sidebar's 发抽奖链接 in a browser: the guide picks a running draw and the sidebar sends the
// customer's personal link into the chat (the JS-SDK stand-in records it); the link opens the
// draw page as that customer.
import assert from "node:assert/strict";
import { screenshot, standInCalls, useBrowser, waitForStandInCall } from "../support/browser.ts";
import { aRunningDraw, CookieJar, participantClaims } from "../draws/publicSupport.ts";
import { byTest, seedGuideWorld } from "./sidebarWorld.ts";

describe("the sidebar's 发抽奖链接 in a browser (guide guideA)", function () {
  this.timeout(60_000);
  const suite = useBrowser();

  beforeEach(() => seedGuideWorld(suite.server));

  it("should list the running draw and send the chat customer's personal link as a link card", async () => {
    const draw = await aRunningDraw({ name: "双十二会员抽奖" });
    const page = await suite.newPage("sidebar", { wecomUserId: "guideA" });
    await page.goto(`${suite.server.url}/sidebar/?entry=single_chat_tools&contact=wmA`);
    await byTest(page, "tab-quick-replies").click();
    await byTest(page, "draw-link-open").click();
    await byTest(page, "draw-link-item").waitFor();
    assert.match(await byTest(page, "draw-link-item").innerText(), /双十二会员抽奖[\s\S]*7 天有效/);
    // The sheet slides up: photograph it once it has arrived.
    await page.locator(".van-popup--bottom").evaluate((sheet) => Promise.all(sheet.getAnimations().map((animation: { finished: Promise<unknown> }) => animation.finished)));
    await screenshot(page, "sidebar-draw-link.png");
    await byTest(page, "draw-link-send").click();
    await waitForStandInCall(page, "sendChatMessage");
    const sends = (await standInCalls(page)).filter((call) => call.api === "sendChatMessage");
    assert.equal(sends.length, 1);
    const card = (sends[0]?.args[0] ?? {}) as { msgtype: string; news: { link: string; title: string } };
    assert.equal(card.msgtype, "news");
    assert.equal(card.news.title, "邀您参加「双十二会员抽奖」");
    assert.match(card.news.link, new RegExp(`/draw/${draw.slug}\\?t=`));
    const jar = new CookieJar();
    jar.take(await fetch(card.news.link, { redirect: "manual" }));
    assert.equal(participantClaims(jar.get("scrm_draw") ?? "").k, "ext:wmA", "the link is the chat customer's");
    suite.assertCleanRun();
  });
});
