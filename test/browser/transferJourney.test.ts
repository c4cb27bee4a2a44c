// 离职继承 end to end in the sandbox (issue 14 part 6): three customers add 张晓梅 through her
// store's counter code; on the sandbox page she leaves (离职); her region manager syncs WeCom's
// unassigned list in the console, gives her customers to her store's colleagues in turn and sees
// them waiting for the customers' answer. The stand-in decides the outcomes over the next minutes
// (test/sandbox/transfers.test.ts follows them with a moved clock). Screenshots:
// docs/screenshots/transfers-journey-*.png.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import roleAssigner from "../../server/commands/roleAssigner.ts";
import { Employee } from "../../server/models/Employee.ts";
import { Follow } from "../../server/models/Follow.ts";
import { CustomerTransfer } from "../../server/models/CustomerTransfer.ts";
import { waitFor } from "../../server/utils/async.ts";
import { byTest } from "../support/browser.ts";
import { useSandboxJourney } from "../support/journeyPages.ts";

const DOCS_SHOTS = path.resolve(import.meta.dirname, "..", "..", "docs", "screenshots");
const LEAVER = "zhangxiaomei";
const MANAGER = "linfang";

async function shot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(DOCS_SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(DOCS_SHOTS, name), fullPage: true });
}

describe("离职继承 journey in the sandbox (a guide leaves, the manager hands her customers over)", function () {
  this.timeout(300_000);
  const { pages, sandbox } = useSandboxJourney("transfer-journey");

  it("resigns a guide on the sandbox page and hands her customers to her colleagues in the console", async () => {
    const base = sandbox().server.url;
    const call = async (method: string, url: string, body?: unknown) => {
      const response = await fetch(`${base}${url}`, { method, headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
      assert.ok(response.ok, `${url}: ${response.status}`);
      return ((await response.json()) as { data: unknown }).data;
    };
    await call("POST", "/sandbox/api/seed");
    await sandbox().settle();
    const state = (await call("GET", "/sandbox/api/state")) as { contactWays: { config_id: string; state: string }[] };
    const counter = state.contactWays.find((way) => way.state === "store101-counter");
    assert.ok(counter, "the store's counter code names only 张晓梅");
    for (const name of ["周雨晴", "吴建国", "郑美玲"]) {
      await call("POST", "/sandbox/api/scan", { configId: counter.config_id, name });
    }
    await sandbox().settle();
    assert.ok(await waitFor(async () => (await Follow.countDocuments({ userId: LEAVER, status: "active" })) === 3, { timeoutMs: 30_000, intervalMs: 50 }));
    await roleAssigner({ userId: MANAGER, role: "manager", scopeStoreIds: ["101", "102"], changedBy: "journey-test", now: new Date() });

    // ── The sandbox page: 张晓梅 leaves. ──
    const phone = await pages.newPage(1440, 900);
    await phone.goto(`${base}/sandbox/`);
    await byTest(phone, "guide-select").selectOption(LEAVER);
    phone.once("dialog", (dialog) => void dialog.accept());
    await byTest(phone, "guide-resign").click();
    await byTest(phone, "guide-left").waitFor();
    await phone.getByText(/「张晓梅」已离职：3 位客户、\d+ 个客户群待继承/).waitFor();
    await shot(phone, "transfers-journey-1-sandbox-resigned.png");
    await sandbox().settle();
    assert.equal((await Employee.findOne({ userId: LEAVER }).lean())?.deleted, true);

    // ── The console: the region manager hands the customers over. ──
    const console_ = await pages.newPage(1440, 900);
    await console_.request.post(`${base}/sandbox/api/guide`, { data: { userid: MANAGER } });
    await console_.goto(`${base}/console/`);
    await byTest(console_, "login-qr").click();
    await byTest(console_, "nav-transfers").click();
    await byTest(console_, "transfers-sync").click();
    await byTest(console_, "departed-guide").filter({ hasText: "张晓梅" }).filter({ hasText: "3 位客户待交接" }).waitFor();
    await byTest(console_, "unassigned-table").locator("tbody tr").nth(2).waitFor();
    await byTest(console_, "unassigned-table").locator("tbody tr").first().locator("[data-test=row-takeover]").click();
    await console_.locator(".el-select-dropdown__item:visible", { hasText: "李婷" }).waitFor();
    const offered = (await console_.locator(".el-select-dropdown__item:visible").allInnerTexts()).map((text) => text.split(/\s/)[0]);
    assert.deepEqual([...offered].sort(), ["李婷", "王浩", "陈静"].sort(), "her store's colleagues, by name");
    await console_.keyboard.press("Escape");
    await byTest(console_, "unassigned-table").locator("thead .el-checkbox").click();
    await byTest(console_, "transfer-round-robin").click();
    await console_.locator(".el-message-box").getByRole("button", { name: "确认转接" }).click();
    await console_.locator(".el-message", { hasText: "已提交 3 位客户" }).waitFor();
    await byTest(console_, "outcomes-table").locator("tbody tr", { hasText: "等待接替" }).nth(2).waitFor();
    await byTest(console_, "outcome-state-tag").nth(2).waitFor();
    await console_.locator(".el-message").first().waitFor({ state: "detached", timeout: 15_000 });
    await shot(console_, "transfers-journey-2-console-waiting.png");
    const transfers = await CustomerTransfer.find({ handoverUserId: LEAVER }).lean();
    assert.equal(new Set(transfers.map((transfer) => transfer.takeoverUserId)).size, 3, "one customer each, in turn");
    assert.deepEqual(pages.errors, []);
  });
});
