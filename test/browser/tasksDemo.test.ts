// The demo's three weeks of guides' tasks as headquarters sees them on 完成率: the stores' guides
// work by their stores' habits (sandbox guideBehaviour.ts), so the ranking has a clear spread and
// the trend covers the weeks. The demo runs smaller than `npm run demo` (its shape is the same).
// Screenshot: docs/screenshots/tasks-demo-completion.png.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import type { PresentedCompletionView } from "../../server/presenters/completion.ts";
import { runDemo } from "../../server/sandbox/demo/run.ts";
import { OPERATOR, STORES } from "../../server/sandbox/demoData.ts";
import { byTest, ROOT } from "../support/browser.ts";
import { useSandboxJourney } from "../support/journeyPages.ts";

describe("the demo's task history on 完成率", function () {
  this.timeout(400_000);
  const { pages, sandbox } = useSandboxJourney("tasks-demo");

  it("should rank the diligent store well above the lax one, with weeks of trend", async () => {
    const base = sandbox().server.url;
    const summary = await runDemo({ callbackUrl: base, wecomApiBase: sandbox().wecomApiBase, customers: 300, orders: 1200 });
    await sandbox().settle();
    assert.ok(summary.tasks.worked > 0 && summary.tasks.left > 0, JSON.stringify(summary.tasks));

    // The brand's operator (headquarters) over the last 30 days.
    const page = await pages.newPage(1440, 900);
    await page.request.post(`${base}/sandbox/api/guide`, { data: { userid: OPERATOR.userid } });
    await page.goto(`${base}/console/`);
    await byTest(page, "login-qr").click();
    await byTest(page, "nav-completion").click();
    await byTest(page, "completion-preset").getByText("近30天").click();
    const rows = page.locator('[data-test="completion-rows"] .el-table__row');
    await rows.nth(STORES.length - 1).waitFor();
    assert.equal(await rows.count(), STORES.length);

    // The same view as the page reads it: the rates and the days behind the trend.
    assert.match(page.url(), /completion\?preset=30$/);
    const chinaDay = (at: number) => new Date(at + 8 * 3_600_000).toISOString().slice(0, 10);
    const answer = await page.request.get(`${base}/api/console/completion/company?from=${chinaDay(Date.now() - 29 * 86_400_000)}&to=${chinaDay(Date.now())}`);
    assert.ok(answer.ok(), `${answer.status()}`);
    const view = ((await answer.json()) as { data: PresentedCompletionView }).data;
    const rate = (storeId: number) => view.rows.find((row) => row.id === String(storeId))?.figures.rates.tasks ?? null;
    const [diligent, lax] = [rate(101), rate(103)];
    assert.ok(diligent !== null && lax !== null && diligent - lax >= 0.2, `上海南京西路店 ${diligent}, 杭州湖滨店 ${lax}`);
    // Each guide's choices are drawn per task, so the middle store (0.66) may edge past the
    // diligent one on a small demo; the lax store never catches up with the diligent one.
    const rank = (storeId: number) => view.rows.findIndex((row) => row.id === String(storeId));
    assert.ok(rank(101) >= 0 && rank(101) < rank(103), `ranking ${view.rows.map((row) => row.name).join(", ")}`);
    assert.ok(view.trend.filter((point) => point.figures.tasksDue > 0).length >= 14, "tasks due over weeks");
    const shown = await rows.allInnerTexts();
    const at = (name: string) => shown.findIndex((text) => text.includes(name));
    assert.ok(at("上海南京西路店") >= 0 && at("上海南京西路店") < at("杭州湖滨店"), "the page ranks as the answer does");

    await page.waitForTimeout(500);
    fs.mkdirSync(path.join(ROOT, "docs", "screenshots"), { recursive: true });
    await page.screenshot({ path: path.join(ROOT, "docs", "screenshots", "tasks-demo-completion.png") });
    assert.deepEqual(pages.errors, []);
  });
});
