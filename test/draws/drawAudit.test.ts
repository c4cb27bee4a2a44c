import assert from "node:assert/strict";
import { chinaDate } from "../../server/domain/chinaTime.ts";
import { submitWinAddress } from "../../server/commands/drawAddress.ts";
import { participantKeyHash } from "../../server/commands/drawAuditor.ts";
import { forgetDraw } from "../../server/commands/drawCache.ts";
import takeDraw from "../../server/commands/drawTaker.ts";
import { Employee } from "../../server/models/Employee.ts";
import { Follow } from "../../server/models/Follow.ts";
import type { PresentedDraw } from "../../server/presenters/draw.ts";
import { presentDrawAudit, type PresentedDrawAudit } from "../../server/presenters/drawAudit.ts";
import { useTestServer } from "../support/server.ts";
import { loginAs, type SessionClient } from "../support/sessions.ts";
import { aCustomer } from "./coreSupport.ts";

const DAY = 86_400_000;

describe("a draw's audit log in the console (GET /api/console/draws/:id/audit)", function () {
  this.timeout(60_000);
  const context = useTestServer();
  let operator: SessionClient;
  let draw: PresentedDraw;
  let aliceWin: string;
  const now = Date.now();
  const alice = aCustomer("alice");
  const bob = aCustomer("bob");
  const audit = async (client: SessionClient, query = "") => {
    const answer = await client.get(`/api/console/draws/${draw.id}/audit${query}`);
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    return { rows: answer.body.data as PresentedDrawAudit[], total: (answer.body.pagination as { total: number }).total, raw: JSON.stringify(answer.body) };
  };

  // An operator creates and starts the draw; alice wins on one day, draws again past maxWins the
  // next day, bob wins that day; alice gives an address and the operator ships her gift.
  beforeEach(async () => {
    operator = await loginAs(context.server, { userId: "opA", role: "operator", name: "唐运营" });
    const created = await operator.send("POST", "/api/console/draws", {
      slug: `audit-${process.pid}`,
      name: "会员日抽奖",
      startsAt: new Date(now - 5 * DAY).toISOString(),
      endsAt: new Date(now + 5 * DAY).toISOString(),
      limits: { perDay: null, total: null, maxWins: 1 },
      prizes: [{ name: "保温杯", kind: "physical", weight: 1, stock: 5 }],
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    draw = created.body.data as PresentedDraw;
    assert.equal((await operator.send("POST", `/api/console/draws/${draw.id}/status`, { status: "active" })).status, 200);
    forgetDraw(draw.slug);
    const first = await takeDraw({ slug: draw.slug, participant: alice, requestId: "a1", now: new Date(now - 3 * DAY) });
    aliceWin = first.win!.winId;
    await takeDraw({ slug: draw.slug, participant: alice, requestId: "a2", now: new Date(now - 2 * DAY) });
    await takeDraw({ slug: draw.slug, participant: bob, requestId: "b1", now: new Date(now - 2 * DAY + 60_000) });
    await submitWinAddress({ winId: aliceWin, participant: alice, address: { name: "王小美", phone: "13812345678", region: "上海市 静安区", detail: "南京西路 1 号" } });
    const shipped = await operator.send("PUT", `/api/console/draws/${draw.id}/winners/${aliceWin}/fulfilment`, { status: "shipped", trackingNo: "SF100200" });
    assert.equal(shipped.status, 200, JSON.stringify(shipped.body));
  });

  it("should list every line newest first in Chinese, with the employee by name and the participant only by a short hash", async () => {
    const { rows, total, raw } = await audit(operator, "?pageSize=100");
    assert.equal(total, 11);
    const times = rows.map((row) => Date.parse(row.at));
    assert.deepEqual(times, [...times].sort((a, b) => b - a), "newest first");
    const [a, b] = [alice, bob].map((person) => `参与者 ${participantKeyHash(person.key).slice(0, 8)}`);
    assert.deepEqual(
      rows.map((row) => [row.kindLabel, row.actorName, row.text]),
      [
        ["发货", "唐运营", "已发货，单号 SF100200"],
        ["发货", a, "中奖者填写了收货地址"],
        ["状态", "唐运营", "开始活动（草稿 → 进行中）"],
        ["创建", "唐运营", "创建活动：保温杯 库存 5"],
        ["库存", "参与者", "保温杯 库存 -1"],
        ["中奖", b, "中奖 保温杯"],
        ["抽奖", b, "抽中 保温杯"],
        ["抽奖", a, "抽到 保温杯，已达中奖上限，记为谢谢参与"],
        ["库存", "参与者", "保温杯 库存 -1"],
        ["中奖", a, "中奖 保温杯"],
        ["抽奖", a, "抽中 保温杯"],
      ],
    );
    for (const secret of [alice.key, alice.externalUserId!, bob.externalUserId!, participantKeyHash(alice.key), "13812345678", "南京西路"]) {
      assert.ok(!raw.includes(secret), `the answer leaks ${secret}`);
    }
  });

  it("should filter by kind, China day and win, and page on the database", async () => {
    const wins = await audit(operator, "?kind=win");
    assert.deepEqual(wins.rows.map((row) => [row.kindLabel, row.text]), [["中奖", "中奖 保温杯"], ["中奖", "中奖 保温杯"]]);
    const day = chinaDate(new Date(now - 3 * DAY));
    const firstDay = await audit(operator, `?from=${day}&to=${day}`);
    assert.deepEqual(firstDay.rows.map((row) => row.kind).sort(), ["draw", "stock", "win"]);
    const ofWin = await audit(operator, `?winId=${aliceWin}`);
    assert.deepEqual(ofWin.rows.map((row) => row.kind), ["fulfilment", "fulfilment", "stock", "win", "draw"]);
    const whole = await audit(operator, "?pageSize=100");
    const first = await audit(operator, "?page=1&pageSize=5");
    const second = await audit(operator, "?page=2&pageSize=5");
    assert.equal(first.total, 11);
    assert.deepEqual([...first.rows, ...second.rows].map((row) => row.id), whole.rows.slice(0, 10).map((row) => row.id));
  });

  it("should refuse a guide, and show a store manager only their customers' lines", async () => {
    const guide = await loginAs(context.server, { userId: "guideA", role: "guide" });
    assert.equal((await guide.get(`/api/console/draws/${draw.id}/audit`)).status, 403);
    await Employee.create({ userId: "guideIn", name: "店内导购", departmentIds: [101] });
    await Follow.create({ externalUserId: alice.externalUserId, userId: "guideIn", status: "active", addedAt: new Date() });
    const manager = await loginAs(context.server, { userId: "mgr101", role: "manager", scopeStoreIds: ["101"] });
    const seen = await audit(manager, "?pageSize=100");
    assert.equal(seen.total, 6);
    assert.deepEqual(seen.rows.map((row) => row.winId === aliceWin || row.participant === participantKeyHash(alice.key).slice(0, 8)), Array(6).fill(true));
    const stranger = await loginAs(context.server, { userId: "mgr102", role: "manager", scopeStoreIds: ["102"] });
    assert.equal((await audit(stranger)).total, 0);
  });

  it("should refuse bad filters in Chinese naming the field", async () => {
    const cases: [string, string][] = [
      ["?kind=hack", "kind: 记录类型应为抽奖、中奖、库存、现金转账、发货、发放、创建、状态之一"],
      ["?pageSize=1000", "pageSize: 每页条数应在 1 到 100 之间"],
      ["?from=2026-02-30", "from: 不是有效的日期"],
      ["?from=2026-03-02&to=2026-03-01", "to: 结束日期不能早于开始日期"],
      ["?winId=abc", "winId: 中奖记录无效"],
    ];
    for (const [query, message] of cases) {
      const answer = await operator.get(`/api/console/draws/${draw.id}/audit${query}`);
      assert.equal(answer.status, 400, query);
      assert.equal(answer.body.message, message);
    }
  });
});

describe("presenting audit lines (presentDrawAudit)", () => {
  const names = { prizes: new Map([["cup", { name: "保温杯", kind: "physical" as const }], ["red", { name: "现金红包", kind: "cash" as const }]]), employees: new Map([["opA", "唐运营"]]) };
  const line = (kind: Parameters<typeof presentDrawAudit>[0]["kind"], detail: Record<string, unknown>, actor = "system") => presentDrawAudit({ _id: "x", kind, actor, detail, at: new Date(0) }, names).text;

  it("should say what a cash draw, a payout, a grant and an operator's stock change did", () => {
    assert.equal(line("stock", { prizeId: "red", delta: -1, budgetDeltaFen: -500 }), "现金红包 库存 -1，预算 -¥5.00");
    assert.equal(line("win", { prizeId: "red", kind: "cash", amountFen: 500 }), "中奖 现金红包（¥5.00）");
    assert.equal(line("payout", { amountFen: 500, state: "failed", failReason: "收款人姓名不符" }), "转账失败：收款人姓名不符");
    assert.equal(presentDrawAudit({ _id: "x", kind: "payout", actor: "system", detail: { state: "failed" }, at: new Date(0) }, names).failed, true);
    assert.equal(line("payout", { amountFen: 500, state: "pending_confirm" }), "发起转账 ¥5.00（待确认）");
    assert.equal(line("payout", { action: "settled", amountFen: 500, state: "paid" }), "转账已到账 ¥5.00");
    assert.equal(line("payout", { action: "settled", amountFen: 500, state: "cancelled" }), "转账已取消 ¥5.00");
    assert.equal(line("payout", { action: "retry", amountFen: 500, from: "FAIL" }), "重新发起转账 ¥5.00");
    assert.equal(line("grant", { kind: "points", status: "granted", points: 50 }), "已发放 50 积分");
    assert.equal(line("grant", { kind: "benefit", status: "failed", failReason: "权益已领完" }), "发放失败：权益已领完");
    assert.equal(line("stock", { action: "update", moves: { cup: 3, budget: -1000, red: 0 } }, "opA"), "修改活动：保温杯 库存 +3，预算 -¥10.00");
    assert.equal(line("status", { from: "paused", to: "active" }), "恢复活动（已暂停 → 进行中）");
    assert.equal(line("draw", { picked: "gone", prizeId: null, missReason: "sold_out" }), "抽到 已删除的奖品，库存已抽完，记为谢谢参与");
    assert.equal(presentDrawAudit({ _id: "x", kind: "status", actor: "opA", at: new Date(0) }, names).actorName, "唐运营");
  });
});
