import assert from "node:assert/strict";
import type { Locator, Page } from "playwright-core";
import { ChannelCode } from "../../server/models/ChannelCode.ts";
import { Group } from "../../server/models/Group.ts";
import { screenshot, standInCalls, useBrowser, waitForStandInCall } from "../support/browser.ts";
import { consoleSend } from "../support/server.ts";
import { byTest, seedGuideWorld } from "./sidebarWorld.ts";

// What the guide sees at 400 px (issue 10, items 8, 10 and 11, the sidebar's part): nothing
// covered by the stand-in's notice, long notes folded, badges and benefits on their lines, quick
// replies sent with the customer's name, names instead of ids, and a first load without errors.

type Box = { x: number; y: number; width: number; height: number };

async function boxOf(locator: Locator): Promise<Box> {
  const box = await locator.boundingBox();
  assert.ok(box, "the element is on screen");
  return box;
}

const overlaps = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/** Lines an element's text takes, from its height and line height. */
async function linesOf(locator: Locator): Promise<number> {
  return locator.evaluate((element) => {
    const style = (globalThis as unknown as { getComputedStyle(e: unknown): { lineHeight: string; fontSize: string } }).getComputedStyle(element);
    const lineHeight = Number.parseFloat(style.lineHeight) || Number.parseFloat(style.fontSize) * 1.2;
    return Math.round((element as unknown as { getBoundingClientRect(): { height: number } }).getBoundingClientRect().height / lineHeight);
  });
}

async function openCustomer(page: Page, url: string): Promise<void> {
  await page.goto(`${url}/sidebar/?entry=single_chat_tools&contact=wmA`);
  await byTest(page, "customer-name").waitFor();
}

describe("the sidebar at 400 px (guide guideA)", function () {
  this.timeout(90_000);
  const suite = useBrowser();

  beforeEach(() => seedGuideWorld(suite.server));

  it("should keep the stand-in notice off the tag picker's 保存 and the notes, and fold a long note", async () => {
    const page = await suite.newPage("sidebar", { wecomUserId: "guideA" });
    await openCustomer(page, suite.server.url);
    const long = `第一次到店试用了保湿精华和防晒，${"皮肤偏干，秋冬需要加强保湿，推荐了同系列的面霜和精华液，".repeat(6)}下周二带朋友再来。`;
    await byTest(page, "note-input").fill(long);
    await byTest(page, "note-save").click();
    const note = byTest(page, "note-item").first();
    await note.locator('[data-test="note-toggle"]').waitFor();
    assert.equal(await note.locator('[data-test="note-toggle"]').innerText(), "展开");
    const folded = await boxOf(note.locator('[data-test="note-text"]'));
    assert.ok((await linesOf(note.locator('[data-test="note-text"]'))) <= 4, "a long note shows four lines");
    await note.locator('[data-test="note-toggle"]').click();
    assert.equal(await note.locator('[data-test="note-toggle"]').innerText(), "收起");
    assert.ok((await boxOf(note.locator('[data-test="note-text"]'))).height > folded.height * 1.5, "展开 shows the whole note");
    await page.locator(".van-toast").waitFor({ state: "hidden" });

    const badge = byTest(page, "stand-in-badge");
    // The notes at the bottom of the page, scrolled into view as a guide reads them.
    await page.evaluate(() => (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 1e6));
    const time = await boxOf(note.locator(".van-cell__label"));
    const badgeNow = await badge.boundingBox();
    assert.ok(!badgeNow || !overlaps(badgeNow, time), "the stand-in notice covers the note's time");

    await byTest(page, "tag-edit").click();
    await byTest(page, "tag-option").first().waitFor();
    // Once the popup has slid in: its box moves while it animates.
    await page.waitForFunction(() => (globalThis as unknown as { document: { querySelector(s: string): unknown } }).document.querySelector(".van-popup-slide-bottom-enter-active") === null);
    const save = await boxOf(byTest(page, "tag-save"));
    const badgeOnPicker = await badge.boundingBox();
    assert.ok(!badgeOnPicker || !overlaps(badgeOnPicker, save), "the stand-in notice covers 保存");
    // What is on top at the middle of 保存 is 保存 itself.
    const onTop = await page.evaluate(({ x, y }) => {
      const doc = (globalThis as unknown as { document: { elementFromPoint(x: number, y: number): { closest(s: string): unknown } | null } }).document;
      return Boolean(doc.elementFromPoint(x, y)?.closest('[data-test="tag-save"]'));
    }, { x: save.x + save.width / 2, y: save.y + save.height / 2 });
    assert.ok(onTop, "保存 can be tapped");
    suite.assertCleanRun();
  });

  it("should keep level badges and benefit names whole, and name the channel and the group's members", async () => {
    // The follow's state is a channel code's: the source reads the code's name, not its state.
    await ChannelCode.create({ name: "静安店收银台", type: "single", state: "store101-counter", configId: "cfgStore101", guides: [{ userId: "guideA" }] });
    const page = await suite.newPage("sidebar", { wecomUserId: "guideA" });
    await openCustomer(page, suite.server.url);
    assert.equal(await linesOf(byTest(page, "member-level")), 1, "the level badge wraps");
    const benefits = byTest(page, "benefit-item");
    assert.ok((await benefits.count()) > 0);
    for (const title of await benefits.locator(".van-cell__title").all()) {
      // A benefit's name and value break only between words: each word's glyphs stay on one line.
      const broken = await title.evaluate((element) => {
        type Range = { setStart(n: unknown, o: number): void; setEnd(n: unknown, o: number): void; getClientRects(): { length: number } };
        const doc = (globalThis as unknown as { document: { createRange(): Range } }).document;
        const spans = (element as unknown as { querySelectorAll(s: string): { firstChild: { textContent: string } | null }[] }).querySelectorAll("[data-test^='benefit-']");
        return [...spans].flatMap((span) => {
          const node = span.firstChild;
          const text = node?.textContent ?? "";
          const words: string[] = [];
          for (const match of text.matchAll(/[^\s·]+/g)) {
            const range = doc.createRange();
            range.setStart(node, match.index);
            range.setEnd(node, match.index + match[0].length);
            if (range.getClientRects().length > 1) {
              words.push(match[0]);
            }
          }
          return words;
        });
      });
      assert.deepEqual(broken, [], `a benefit's words break: ${await title.innerText()}`);
    }
    assert.match(await byTest(page, "customer-source").innerText(), /来源：静安店收银台/);
    await screenshot(page, "sidebar-customer-400.png");

    await Group.updateOne({ chatId: "chatA" }, { $push: { members: { id: "wmB", type: "customer", status: "in", joinScene: 0, joinedAt: new Date() } } });
    await page.goto(`${suite.server.url}/sidebar/?entry=group_chat_tools&chat=chatA`);
    await byTest(page, "group-member").first().waitFor();
    assert.match(await byTest(page, "group-member").first().innerText(), /^王小姐/);
    assert.equal(await linesOf(byTest(page, "group-member-level").first()), 1);
    const scenes = await byTest(page, "join-scene").evaluateAll((cells) => cells.map((cell) => cell.querySelector(".van-cell__title")?.textContent?.trim()));
    assert.equal(new Set(scenes).size, scenes.length, `join scenes read alike: ${scenes.join(" / ")}`);
    assert.ok(scenes.includes("成员邀请（拉入或链接）") && scenes.includes("成员直接拉入群"), scenes.join(" / "));
    suite.assertCleanRun();
  });

  it("should fill a quick reply's variables from the customer and the guide before sending", async () => {
    const folder = await consoleSend(suite.server, "POST", "/api/console/quick-reply-folders", { name: "问候" });
    const folderId = (folder.body.data as { id: string }).id;
    const created = await consoleSend(suite.server, "POST", "/api/console/quick-replies", {
      folderId,
      title: "称呼问候",
      kind: "text",
      content: { text: "{客户昵称}您好，我是{导购姓名}。您是{会员等级}，现有 {会员积分} 积分。" },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const page = await suite.newPage("sidebar", { wecomUserId: "guideA" });
    await openCustomer(page, suite.server.url);
    await byTest(page, "tab-quick-replies").click();
    const item = page.locator('[data-test="quick-reply-item"]', { hasText: "称呼问候" });
    await item.waitFor();
    assert.match(await item.innerText(), /王小姐您好，我是导购小王/, "the preview reads as it will be sent");
    await item.locator('[data-test="quick-reply-send"]').click();
    await waitForStandInCall(page, "sendChatMessage");
    const sends = (await standInCalls(page)).filter((call) => call.api === "sendChatMessage");
    assert.deepEqual(sends[0]?.args, [{ msgtype: "text", text: { content: "王小姐您好，我是导购小王。您是银卡会员，现有 1234 积分。" } }]);

    // In a group there is no one customer to name: nothing is sent, and the guide is told why.
    await page.goto(`${suite.server.url}/sidebar/?entry=group_chat_tools&chat=chatA`);
    await byTest(page, "tab-quick-replies").click();
    await page.locator('[data-test="quick-reply-item"]', { hasText: "称呼问候" }).locator('[data-test="quick-reply-send"]').click();
    await page.locator(".van-toast", { hasText: "{客户昵称}" }).waitFor();
    assert.equal((await standInCalls(page)).filter((call) => call.api === "sendChatMessage").length, 0);
    suite.assertCleanRun();
  });

  it("should load without a 401 before login or a 404 for the icon", async () => {
    const page = await suite.newPage("sidebar", { wecomUserId: "guideA" });
    const failures: string[] = [];
    const consoleErrors: string[] = [];
    page.on("response", (response) => {
      if (response.status() >= 400) {
        failures.push(`${response.status()} ${new URL(response.url()).pathname}`);
      }
    });
    page.on("console", (message) => {
      if (message.type() === "error") {
        consoleErrors.push(message.text());
      }
    });
    await openCustomer(page, suite.server.url);
    const icon = await page.request.get(`${suite.server.url}/favicon.ico`);
    assert.equal(icon.status(), 200);
    assert.equal(icon.headers()["content-type"], "image/x-icon");
    // The icon's bytes decode as an image, as a browser tab would show them.
    const width = await page.evaluate(async (base64) => {
      const Img = (globalThis as unknown as { Image: new () => { src: string; naturalWidth: number; decode(): Promise<void> } }).Image;
      const img = new Img();
      img.src = `data:image/x-icon;base64,${base64}`;
      await img.decode();
      return img.naturalWidth;
    }, (await icon.body()).toString("base64"));
    assert.equal(width, 16);
    assert.deepEqual(failures, []);
    assert.deepEqual(consoleErrors, []);
    suite.assertCleanRun();
  });
});
