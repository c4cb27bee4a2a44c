import assert from "node:assert/strict";
import ExcelJS from "exceljs";
import { configureWeChatPay } from "../../server/commands/cashPayout.ts";
import { submitWinAddress } from "../../server/commands/drawAddress.ts";
import { forgetDraw } from "../../server/commands/drawCache.ts";
import takeDraw from "../../server/commands/drawTaker.ts";
import { Customer } from "../../server/models/Customer.ts";
import { DrawAudit } from "../../server/models/DrawAudit.ts";
import { DrawStock } from "../../server/models/DrawStock.ts";
import { DrawWin } from "../../server/models/DrawWin.ts";
import { LuckyDraw } from "../../server/models/LuckyDraw.ts";
import type { PresentedDraw, PresentedWinner, DrawStats } from "../../server/presenters/draw.ts";
import { API_TOKEN, consoleGet, consoleSend, useTestServer } from "../support/server.ts";
import { loginAs } from "../support/sessions.ts";
import { Employee } from "../../server/models/Employee.ts";
import { Follow } from "../../server/models/Follow.ts";
import { useTestPay } from "../wechatpay/support.ts";
import { aCustomer } from "./coreSupport.ts";

const DAY = 86_400_000;
const del = async (url: string) => {
  const response = await fetch(url, { method: "DELETE", headers: { authorization: `Bearer ${API_TOKEN}` } });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

let slugs = 0;
function drawBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  slugs += 1;
  const now = Date.now();
  return {
    slug: `console-${process.pid}-${slugs}`,
    name: "双十二幸运大转盘",
    startsAt: new Date(now - DAY).toISOString(),
    endsAt: new Date(now + 7 * DAY).toISOString(),
    rules: "每人每天 3 次",
    style: "grid",
    limits: { perDay: 3, total: 10, maxWins: 2 },
    prizes: [
      { name: "保温杯", kind: "physical", weight: 10, stock: 5 },
      { name: "50 积分", kind: "points", weight: 30, stock: 100, points: 50 },
      { name: "谢谢参与", kind: "none", weight: 60, stock: 0 },
    ],
    ...overrides,
  };
}

describe("lucky draws in the console (HTTP)", function () {
  this.timeout(60_000);
  const context = useTestServer();
  const url = (path: string) => `${context.server.url}/api/console${path}`;
  const create = async (overrides: Record<string, unknown> = {}) => {
    const created = await consoleSend(context.server, "POST", "/api/console/draws", drawBody(overrides));
    assert.equal(created.status, 201, JSON.stringify(created.body));
    return created.body.data as PresentedDraw;
  };

  it("should create, list with search and paging, read, update and pause/resume a draw", async () => {
    const draw = await create();
    assert.equal(draw.status, "draft");
    assert.equal(draw.styleLabel, "九宫格");
    assert.deepEqual(draw.prizes.map((prize) => [prize.name, prize.chance, prize.stockLeft]), [["保温杯", 10, 5], ["50 积分", 30, 100], ["谢谢参与", 60, null]]);
    assert.equal(draw.pagePath, `/draw/${draw.slug}`);
    await create({ name: "会员日抽奖" });
    const searched = await consoleGet(context.server, `/api/console/draws?q=${encodeURIComponent("会员日")}`);
    assert.deepEqual((searched.body.data as PresentedDraw[]).map((item) => item.name), ["会员日抽奖"]);
    const paged = await consoleGet(context.server, "/api/console/draws?page=2&pageSize=1");
    assert.equal((paged.body.data as PresentedDraw[]).length, 1);
    assert.deepEqual(paged.body.pagination, { page: 2, pageSize: 1, total: 2 });
    const prizes = draw.prizes.map((prize) => ({ id: prize.id, name: prize.name, kind: prize.kind, weight: prize.weight, stock: prize.kind === "physical" ? 8 : prize.stock, points: prize.points }));
    const updated = await consoleSend(context.server, "PUT", `/api/console/draws/${draw.id}`, drawBody({ slug: draw.slug, prizes }));
    assert.equal(updated.status, 200, JSON.stringify(updated.body));
    assert.equal((updated.body.data as PresentedDraw).prizes[0]?.stockLeft, 8);
    for (const [status, label] of [["active", "进行中"], ["paused", "已暂停"], ["active", "进行中"]] as const) {
      const changed = await consoleSend(context.server, "POST", `/api/console/draws/${draw.id}/status`, { status });
      assert.equal((changed.body.data as PresentedDraw).statusLabel, label);
    }
    assert.equal(await DrawAudit.countDocuments({ kind: "status" }), 3);
  });

  it("should refuse bad input in Chinese naming the field, and change nothing", async () => {
    const cases: [Record<string, unknown>, number, string][] = [
      [drawBody({ prizes: [] }), 400, "prizes: 请至少设置一个奖品"],
      [drawBody({ prizes: [{ name: "杯", kind: "physical", weight: 0, stock: 1 }] }), 400, "prizes.0.weight: 中奖权重应在 1 到 1000000 之间"],
      [drawBody({ prizes: [{ name: "杯", kind: "physical", weight: 1.5, stock: 1 }] }), 400, "prizes.0.weight: 中奖权重应为整数"],
      [drawBody({ prizes: [{ name: "杯", kind: "physical", weight: 1, stock: -1 }] }), 400, "prizes.0.stock: 库存应在 0 到 10000000 之间"],
      [drawBody({ prizes: [{ name: "谢谢", kind: "none", weight: 1, stock: 0 }] }), 400, "prizes: 请至少设置一个可中奖的奖品"],
      [drawBody({ prizes: [{ name: "积分", kind: "points", weight: 1, stock: 1, points: -5 }] }), 400, "prizes.0.points: 积分数应在 1 到 1000000 之间"],
      [drawBody({ endsAt: new Date(Date.now() - 2 * DAY).toISOString() }), 400, "endsAt: 结束时间应晚于开始时间"],
      [drawBody({ slug: "抽奖" }), 400, "slug: 链接标识只能用小写字母、数字和 -，3 到 40 位"],
      [drawBody({ cashBudgetFen: 1000, prizes: [{ name: "红包", kind: "cash", weight: 1, stock: 1, amountFen: 5 }] }), 400, "prizes.0.amountFen: 现金金额不能低于 0.1 元（微信支付最低转账金额）"],
      [drawBody({ cashBudgetFen: 100, prizes: [{ name: "红包", kind: "cash", weight: 1, stock: 1, amountFen: 500 }] }), 400, "prizes.0.amountFen: 现金金额不能超过活动现金预算"],
      [drawBody({ cashBudgetFen: 1000, prizes: [{ name: "红包", kind: "cash", weight: 1, stock: 1, amountFen: 500 }] }), 400, "prizes.0.kind: 未配置微信支付，不能设置现金奖品"],
      [drawBody({ eligibility: { levels: ["diamond"] } }), 400, "eligibility.levels.0: 会员等级「diamond」不存在"],
      [drawBody({ limits: { perDay: 0 } }), 400, "limits.perDay: 每日次数应在 1 到 10000 之间"],
    ];
    for (const [body, status, message] of cases) {
      const answer = await consoleSend(context.server, "POST", "/api/console/draws", body);
      assert.equal(answer.status, status, `${message} → ${JSON.stringify(answer.body)}`);
      assert.equal(answer.body.message, message);
    }
    assert.equal(await LuckyDraw.countDocuments({}), 0);
    assert.equal(await DrawStock.countDocuments({}), 0);
    const taken = await create();
    const again = await consoleSend(context.server, "POST", "/api/console/draws", drawBody({ slug: taken.slug }));
    assert.equal(again.status, 409);
    assert.equal(again.body.message, "slug: 链接标识已被使用，请换一个");
    assert.equal(await LuckyDraw.countDocuments({}), 1);
  });

  it("should accept a cash prize when WeChat Pay is configured, within the budget", async () => {
    useTestPay();
    try {
      const draw = await create({ cashBudgetFen: 10_000, prizes: [{ name: "8.88 元红包", kind: "cash", weight: 1, stock: 10, amountFen: 888 }] });
      assert.equal(draw.budgetLeftFen, 10_000);
      assert.equal(draw.prizes[0]?.amountFen, 888);
    } finally {
      configureWeChatPay(null);
    }
  });

  it("should refuse removing a prize whose winners await fulfilment, lowering a stock below what was won, and deleting a draw with draws", async () => {
    const draw = await create({ limits: { perDay: null, total: null, maxWins: null }, prizes: [{ name: "保温杯", kind: "physical", weight: 1, stock: 2 }, { name: "谢谢参与", kind: "none", weight: 1, stock: 0 }] });
    await consoleSend(context.server, "POST", `/api/console/draws/${draw.id}/status`, { status: "active" });
    forgetDraw(draw.slug);
    let won = 0;
    for (let n = 0; won === 0 && n < 50; n += 1) {
      won += (await takeDraw({ slug: draw.slug, participant: aCustomer(`r${n}`), requestId: "r", now: new Date() })).won ? 1 : 0;
    }
    assert.equal(won, 1);
    const none = draw.prizes[1]!;
    const removed = await consoleSend(context.server, "PUT", `/api/console/draws/${draw.id}`, drawBody({ slug: draw.slug, prizes: [{ id: none.id, name: none.name, kind: "none", weight: 1, stock: 0 }, { name: "新奖品", kind: "physical", weight: 1, stock: 1 }] }));
    assert.equal(removed.status, 409);
    assert.equal(removed.body.message, "prizes: 奖品「保温杯」还有 1 位中奖者待发放，不能删除");
    const lowered = await consoleSend(context.server, "PUT", `/api/console/draws/${draw.id}`, drawBody({ slug: draw.slug, prizes: [{ id: draw.prizes[0]!.id, name: "保温杯", kind: "physical", weight: 1, stock: 0 }, { id: none.id, name: none.name, kind: "none", weight: 1, stock: 0 }] }));
    assert.equal(lowered.status, 409);
    assert.equal(lowered.body.message, "prizes.0.stock: 已发出 1，不能设为 0（或正在被抽取，请重试）");
    const stored = await LuckyDraw.findById(draw.id).lean();
    assert.deepEqual(stored?.prizes.map((prize) => [prize.name, prize.stock]), [["保温杯", 2], ["谢谢参与", 0]]);
    const deleted = await del(url(`/draws/${draw.id}`));
    assert.equal(deleted.status, 409);
    assert.equal(deleted.body.message, "draw: 活动已有人参与，不能删除，可以结束活动");
    const fresh = await create();
    assert.equal((await del(url(`/draws/${fresh.id}`))).status, 200);
    assert.equal(await DrawStock.countDocuments({ drawId: fresh.id }), 0);
  });

  it("should show stats and winners (names, masked phones), move a gift through 待发货 → 已发货 → 已签收, and export it", async () => {
    const draw = await create({ limits: { perDay: null, total: null, maxWins: null }, prizes: [{ name: "保温杯", kind: "physical", weight: 1, stock: 3 }] });
    await consoleSend(context.server, "POST", `/api/console/draws/${draw.id}/status`, { status: "active" });
    forgetDraw(draw.slug);
    const winner = aCustomer("alice");
    await Customer.create({ externalUserId: winner.externalUserId, name: "王小美" });
    const outcome = await takeDraw({ slug: draw.slug, participant: winner, requestId: "w1", now: new Date() });
    const winId = outcome.win!.winId;
    assert.equal(outcome.win?.statusLabel, "待填地址");
    const early = await consoleSend(context.server, "PUT", `/api/console/draws/${draw.id}/winners/${winId}/fulfilment`, { status: "shipped", trackingNo: "SF123" });
    assert.equal(early.body.message, "status: 中奖者尚未填写收货地址");
    await submitWinAddress({ winId, participant: winner, address: { name: "王小美", phone: "138 1234 5678", region: "上海市 静安区", detail: "南京西路 1 号" } });
    const stored = await DrawWin.findById(winId).lean();
    assert.equal(stored?.address?.phoneMasked, "138****5678");
    assert.ok(!JSON.stringify(stored).includes("13812345678"), "the phone is stored encrypted");

    const stats = (await consoleGet(context.server, `/api/console/draws/${draw.id}/stats`)).body.data as DrawStats;
    assert.equal(stats.participants, 1);
    assert.equal(stats.draws, 1);
    assert.deepEqual(stats.perPrize.map((prize) => [prize.name, prize.wins, prize.left]), [["保温杯", 1, 2]]);
    const winners = await consoleGet(context.server, `/api/console/draws/${draw.id}/winners?status=to_ship`);
    const row = (winners.body.data as PresentedWinner[])[0];
    assert.deepEqual([row?.customerName, row?.phoneMasked, row?.statusLabel, row?.region], ["王小美", "138****5678", "待发货", "上海市 静安区"]);
    assert.ok(!JSON.stringify(winners.body).includes("13812345678"));

    const signedEarly = await consoleSend(context.server, "PUT", `/api/console/draws/${draw.id}/winners/${winId}/fulfilment`, { status: "signed" });
    assert.equal(signedEarly.status, 409);
    assert.equal(signedEarly.body.message, "status: 请先发货，再标记签收");
    const noNumber = await consoleSend(context.server, "PUT", `/api/console/draws/${draw.id}/winners/${winId}/fulfilment`, { status: "shipped", trackingNo: "" });
    assert.equal(noNumber.body.message, "trackingNo: 请填写快递单号");
    const shipped = await consoleSend(context.server, "PUT", `/api/console/draws/${draw.id}/winners/${winId}/fulfilment`, { status: "shipped", trackingNo: "SF1234567890", carrier: "顺丰" });
    assert.equal((shipped.body.data as PresentedWinner).statusLabel, "已发货");
    assert.equal((shipped.body.data as PresentedWinner).trackingNo, "SF1234567890");
    const signed = await consoleSend(context.server, "PUT", `/api/console/draws/${draw.id}/winners/${winId}/fulfilment`, { status: "signed" });
    assert.equal((signed.body.data as PresentedWinner).statusLabel, "已签收");
    assert.equal(await DrawAudit.countDocuments({ kind: "fulfilment" }), 3);

    const response = await fetch(url(`/draws/${draw.id}/winners/export`), { headers: { authorization: `Bearer ${API_TOKEN}` } });
    assert.equal(response.status, 200);
    assert.match(decodeURIComponent(response.headers.get("content-disposition") ?? ""), /抽奖-双十二幸运大转盘-中奖名单-\d{4}-\d{2}-\d{2}\.xlsx/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await response.arrayBuffer());
    const sheet = workbook.getWorksheet("中奖名单")!;
    const cells = (sheet.getRow(2).values as unknown[]).slice(2, 12);
    assert.deepEqual(cells, ["保温杯", "实物", "王小美", "王小美", "13812345678", "上海市 静安区", "南京西路 1 号", "已签收", "顺丰", "SF1234567890"]);
  });

  it("should show a store manager only the winners their stores' guides follow, without the export or writes", async () => {
    const draw = await create({ limits: { perDay: null, total: null, maxWins: null }, prizes: [{ name: "保温杯", kind: "physical", weight: 1, stock: 10 }] });
    await consoleSend(context.server, "POST", `/api/console/draws/${draw.id}/status`, { status: "active" });
    forgetDraw(draw.slug);
    await Employee.create([
      { userId: "guideIn", name: "店内导购", departmentIds: [101] },
      { userId: "guideOut", name: "别店导购", departmentIds: [102] },
    ]);
    for (const [n, guide, name] of [["in", "guideIn", "本店顾客"], ["out", "guideOut", "别店顾客"]] as const) {
      const person = aCustomer(n);
      await Customer.create({ externalUserId: person.externalUserId, name });
      await Follow.create({ externalUserId: person.externalUserId, userId: guide, status: "active", addedAt: new Date() });
      await takeDraw({ slug: draw.slug, participant: person, requestId: "m", now: new Date() });
    }
    const manager = await loginAs(context.server, { userId: "mgr101", role: "manager", scopeStoreIds: ["101"] });
    const listed = await manager.get(`/api/console/draws/${draw.id}/winners`);
    assert.equal(listed.status, 200);
    assert.deepEqual((listed.body.data as PresentedWinner[]).map((row) => row.customerName), ["本店顾客"]);
    const exported = await manager.get(`/api/console/draws/${draw.id}/winners/export`);
    assert.equal(exported.status, 403);
    const winId = (listed.body.data as PresentedWinner[])[0]?.winId;
    const write = await manager.send("PUT", `/api/console/draws/${draw.id}/winners/${winId}/fulfilment`, { status: "signed" });
    assert.equal(write.status, 403);
  });
});
