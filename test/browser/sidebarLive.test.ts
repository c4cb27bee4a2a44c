import assert from "node:assert/strict";
import type { Request } from "playwright-core";
import { Customer } from "../../server/models/Customer.ts";
import { Follow } from "../../server/models/Follow.ts";
import { useBrowser } from "../support/browser.ts";
import { consoleSend } from "../support/server.ts";
import { byTest, seedGuideWorld } from "./sidebarWorld.ts";

// The stale sidebar (issue 10, item 1): what the guide sees follows the customer while the chat
// stays open, through the change stream and on returning to the window.
describe("the sidebar keeps up with the open chat (guide guideA)", function () {
  this.timeout(90_000);
  const suite = useBrowser();

  beforeEach(async () => {
    await seedGuideWorld(suite.server);
    // 张女士 added guideA and has bought nothing yet.
    await Customer.create({ externalUserId: "wmD", name: "张女士", wecomType: 1, gender: 2 });
    await Follow.create({ externalUserId: "wmD", userId: "guideA", addWay: 1, addedAt: new Date(), status: "active" });
  });

  it("should show the membership and the order recorded while the chat is open, without a reload", async () => {
    const page = await suite.newPage("sidebar", { wecomUserId: "guideA" });
    const loads: string[] = [];
    page.on("load", () => loads.push(page.url()));
    await page.goto(`${suite.server.url}/sidebar/?entry=single_chat_tools&contact=wmD`);
    await byTest(page, "not-member").waitFor();
    assert.match(await page.locator("body").innerText(), /暂无订单/);
    const loadsBefore = loads.length;

    // The order arrives as a store's till would send it, naming the WeCom customer.
    const order = await consoleSend(suite.server, "POST", "/api/console/orders", {
      channel: "store",
      orderNo: "SO-LIVE-0001",
      amount: 129_900,
      paidAt: new Date().toISOString(),
      storeId: "101",
      member: { phone: "13800000004", externalUserId: "wmD", name: "张女士" },
    });
    assert.ok([200, 201].includes(order.status), JSON.stringify(order.body));

    // The stream polls every 2 s: the page shows the member within its default wait (10 s).
    await byTest(page, "member-level").waitFor();
    await page.locator('[data-test="order-item"]', { hasText: "SO-LIVE-0001" }).waitFor();
    assert.equal(await byTest(page, "member-level").innerText(), "银卡会员");
    assert.equal(await byTest(page, "not-member").count(), 0);
    assert.equal(loads.length, loadsBefore, "the page was not reloaded");
    suite.assertCleanRun();
  });

  it("should read the customer again when the guide comes back to the window", async () => {
    const page = await suite.newPage("sidebar", { wecomUserId: "guideA" });
    await page.goto(`${suite.server.url}/sidebar/?entry=single_chat_tools&contact=wmD`);
    await byTest(page, "customer-name").waitFor();
    const reread = page.waitForResponse((response) => new URL(response.url()).pathname === "/api/sidebar/customers/wmD");
    // Switching back to the chat in WeCom shows the page again.
    await page.evaluate(() => {
      const win = globalThis as unknown as { Event: new (type: string) => unknown; document: { dispatchEvent(event: unknown): boolean } };
      win.document.dispatchEvent(new win.Event("visibilitychange"));
    });
    assert.equal((await reread).status(), 200);
    assert.equal(await byTest(page, "customer-name").innerText(), "张女士", "the view stays on screen while it reloads");
    suite.assertCleanRun();
  });

  it("should close the change stream of a chat the guide has left", async () => {
    const page = await suite.newPage("sidebar", { wecomUserId: "guideA" });
    const streams = new Map<string, "open" | "ended">();
    const streamOf = (url: string) => (new URL(url).pathname === "/api/sidebar/changes" ? new URL(url).search : null);
    page.on("request", (request) => {
      const key = streamOf(request.url());
      if (key) {
        streams.set(key, "open");
      }
    });
    // Closing an EventSource cancels its request; either way the connection is gone.
    const ended = (request: Request) => {
      const key = streamOf(request.url());
      if (key) {
        streams.set(key, "ended");
      }
    };
    page.on("requestfailed", ended);
    page.on("requestfinished", ended);
    await page.goto(`${suite.server.url}/sidebar/?entry=single_chat_tools&contact=wmD`);
    await byTest(page, "customer-name").waitFor();
    await until(() => streams.get("?customer=wmD") === "open");
    await byTest(page, "stand-in-badge").click();
    await byTest(page, "dev-context-group").first().click();
    await byTest(page, "group-name").waitFor();
    await until(() => streams.get("?chat=chatA") === "open");
    await until(() => streams.get("?customer=wmD") === "ended");
    assert.deepEqual([...streams.keys()], ["?customer=wmD", "?chat=chatA"]);
    suite.assertCleanRun();
  });
});

/** Poll a condition the test process sees (what the page's events recorded), up to 10 s. */
async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error("condition not met within 10 s");
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
