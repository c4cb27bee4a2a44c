// The draw detail's 审计日志 tab for an operator in a browser at 1440 and 400 px: the lines newest
// first in Chinese, the operator by name, participants only by a short hash, the kind filter, one
// win's lines, and the narrow layout. Screenshots go to docs/screenshots/draw-audit-*.png.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { submitWinAddress } from "../../server/commands/drawAddress.ts";
import { forgetDraw } from "../../server/commands/drawCache.ts";
import { createDraw, setDrawStatus } from "../../server/commands/drawEditor.ts";
import { changeFulfilment } from "../../server/commands/drawFulfilment.ts";
import takeDraw from "../../server/commands/drawTaker.ts";
import { Customer } from "../../server/models/Customer.ts";
import { Employee } from "../../server/models/Employee.ts";
import { byTest, screenshot, useBrowser } from "../support/browser.ts";
import { nockToken } from "../support/wecomNock.ts";
import { aCustomer } from "../draws/coreSupport.ts";

const DAY = 86_400_000;
const DOCS_SHOTS = path.resolve(import.meta.dirname, "..", "..", "docs", "screenshots");

describe("the draw detail's 审计日志 for an operator in a browser", function () {
  this.timeout(180_000);
  const suite = useBrowser();
  beforeEach(async () => {
    nockToken();
    await Employee.create({ userId: "opA", name: "唐运营", departmentIds: [1], mainDepartmentId: 1, role: "operator" });
  });

  it("should list the draw's lines, filter them by kind and by one win, and fold into a list at 400 px", async () => {
    const start = Date.now() - 3 * DAY;
    const as = (at: number) => ({ actorId: "opA", now: new Date(at) });
    const draft = await createDraw(
      {
        slug: "audit-browser",
        name: "年终会员幸运大转盘",
        startsAt: new Date(start),
        endsAt: new Date(Date.now() + 7 * DAY),
        rules: "",
        style: "wheel",
        eligibility: { levels: [], tagIds: [], segmentId: null, guideUserIds: [], funnelId: null },
        limits: { perDay: null, total: null, maxWins: null },
        prizes: [
          { name: "品牌保温杯", kind: "physical", weight: 2, stock: 20 },
          { name: "50 积分", kind: "points", weight: 1, stock: 100, points: 50 },
          { name: "谢谢参与", kind: "none", weight: 1, stock: 0 },
        ],
        cashBudgetFen: 0,
        tagsOnJoin: [],
        tagsOnWin: [],
      },
      as(start),
    );
    const id = String(draft._id);
    await setDrawStatus(id, "active", as(start + 60_000));
    forgetDraw(draft.slug);
    let shipped = false;
    for (let n = 0; n < 8; n += 1) {
      const person = aCustomer(`audit${n}`);
      await Customer.create({ externalUserId: person.externalUserId, name: `顾客${n}` });
      const outcome = await takeDraw({ slug: draft.slug, participant: person, requestId: "r", now: new Date(start + DAY + n * 3_600_000) });
      if (outcome.win) {
        await submitWinAddress({ winId: outcome.win.winId, participant: person, address: { name: `顾客${n}`, phone: "13900001111", region: "上海市 静安区", detail: "南京西路 1 号" } });
        if (!shipped) {
          await changeFulfilment({ drawId: id, winId: outcome.win.winId, change: { status: "shipped", trackingNo: "SF1234567890", carrier: "顺丰" }, actorId: "opA", now: new Date() });
          shipped = true;
        }
      }
    }
    await setDrawStatus(id, "paused", as(Date.now()));

    const page = await suite.newPage("console", { wecomUserId: "opA" });
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(`${suite.server.url}/console/`);
    await byTest(page, "login-qr").click();
    await byTest(page, "nav-draws").click();
    await page.locator('[data-test="draw-row"]', { hasText: "年终会员幸运大转盘" }).click();
    await byTest(page, "draw-stats").waitFor();
    await byTest(page, "draw-tab-audit").click();
    await byTest(page, "audit-table").waitFor();
    const rows = byTest(page, "audit-row");
    assert.equal(await rows.first().textContent(), "暂停活动（进行中 → 已暂停）");
    const table = (await byTest(page, "audit-table").textContent()) ?? "";
    assert.match(table, /唐运营/);
    assert.match(table, /参与者 [0-9a-f]{8}/);
    assert.doesNotMatch(table, /wmCust|13900001111|南京西路/);
    fs.copyFileSync(await screenshot(page, "draw-audit-1440.png"), path.join(DOCS_SHOTS, "draw-audit-1440.png"));

    await byTest(page, "audit-kind").click();
    await page.locator(".el-select-dropdown__item", { hasText: /^发货$/ }).click();
    await page.locator('[data-test="audit-row"]', { hasText: "已发货，单号 SF1234567890" }).waitFor();
    await page.locator(".el-table__row", { hasText: "已发货，单号 SF1234567890" }).locator('[data-test="audit-only-win"]').click();
    await byTest(page, "audit-win").waitFor();
    // That one win's lines of every kind: the shipment, the address, its stock, the win and the draw.
    await byTest(page, "audit-kind").hover();
    await byTest(page, "audit-kind").locator(".el-select__clear").click();
    await page.locator('[data-test="audit-row"]', { hasText: "中奖 品牌保温杯" }).waitFor();
    assert.equal(await rows.count(), 5);

    await page.setViewportSize({ width: 400, height: 800 });
    await byTest(page, "audit-list").waitFor();
    assert.equal(await byTest(page, "audit-row").count(), 5);
    fs.copyFileSync(await screenshot(page, "draw-audit-400.png"), path.join(DOCS_SHOTS, "draw-audit-400.png"));
    suite.assertCleanRun();
  });
});
