import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { importOrders } from "../../scripts/import-orders.ts";
import { validateOrder } from "../../scripts/orderRows.ts";
import { DEFAULT_PROGRAM } from "../../server/domain/program.ts";
import { LedgerEntry } from "../../server/models/LedgerEntry.ts";
import { Member } from "../../server/models/Member.ts";
import { NonMemberOrder } from "../../server/models/NonMemberOrder.ts";
import { Order } from "../../server/models/Order.ts";
import { ProgramSettings } from "../../server/models/ProgramSettings.ts";
import { resetDatabase } from "../support/hooks.ts";
import { consoleGet, consoleSend, useTestServer } from "../support/server.ts";

const PAID_AT = "2026-03-01T10:00:00+08:00";
const MAX_SAFE = Number.MAX_SAFE_INTEGER; // 9,007,199,254,740,991 fen: what the finding sent
const ORDER_MAX = 100_000_000; // ¥1,000,000

async function nothingStored(): Promise<void> {
  assert.deepEqual(
    await Promise.all([Order.countDocuments(), NonMemberOrder.countDocuments(), Member.countDocuments(), LedgerEntry.countDocuments()]),
    [0, 0, 0, 0],
  );
}

describe("upper bounds on money and points", () => {
  const context = useTestServer();
  const post = (body: unknown) => consoleSend(context.server, "POST", "/api/console/orders", body);
  const order = (overrides: Record<string, unknown>) => ({ channel: "tmall", orderNo: "T1", amount: 10_000, paidAt: PAID_AT, member: { phone: "13800000001" }, ...overrides });

  describe("orders", () => {
    it("should refuse the 2^53 − 1 fen order, naming the field in Chinese, and store nothing", async () => {
      const response = await post(order({ amount: MAX_SAFE }));
      assert.equal(response.status, 400);
      assert.equal(response.body.message, "amount: 金额不能超过 ¥1,000,000");
      await nothingStored();
    });

    it("should accept an order of exactly ¥1,000,000 and refuse one fen more", async () => {
      const over = await post(order({ orderNo: "T2", amount: ORDER_MAX + 1 }));
      assert.equal(over.status, 400);
      assert.equal(over.body.message, "amount: 金额不能超过 ¥1,000,000");
      const atMost = await post(order({ amount: ORDER_MAX }));
      assert.equal(atMost.status, 201, JSON.stringify(atMost.body));
      const member = await Member.findOne().lean();
      assert.equal(member?.metrics?.totalSpent, ORDER_MAX);
    });

    it("should refuse a refund beyond the bound: refund records, refunded amounts and item lines", async () => {
      const refund = await post(order({ orderNo: "R1", amount: -MAX_SAFE, refundOf: "T1" }));
      assert.equal(refund.status, 400);
      assert.equal(refund.body.message, "amount: 退款金额不能超过 ¥1,000,000");
      const refunded = await post(order({ amount: ORDER_MAX, refundedAmount: MAX_SAFE }));
      assert.equal(refunded.status, 400);
      assert.equal(refunded.body.message, "refundedAmount: 金额不能超过 ¥1,000,000");
      const item = await post(order({ items: [{ sku: "A", quantity: 1, amount: MAX_SAFE }] }));
      assert.equal(item.status, 400);
      assert.equal(item.body.message, "items.0.amount: 金额不能超过 ¥1,000,000");
      const units = await post(order({ items: [{ sku: "A", quantity: MAX_SAFE }] }));
      assert.equal(units.status, 400);
      assert.equal(units.body.message, "items.0.quantity: 数量不能超过 100,000");
      await nothingStored();
    });

    it("should refuse a whole batch holding one order over the bound, naming it", async () => {
      const response = await post({ orders: [order({}), order({ orderNo: "T2", amount: MAX_SAFE })] });
      assert.equal(response.status, 400);
      assert.equal(response.body.message, "orders.1.amount: 金额不能超过 ¥1,000,000");
      await nothingStored();
    });
  });

  describe("points", () => {
    it("should refuse spending more than 10,000,000 points at once, and leave the balance alone", async () => {
      const bought = await post(order({ amount: 50_000 }));
      const { memberNo } = bought.body.data as { memberNo: string };
      const spend = await consoleSend(context.server, "POST", `/api/console/members/${memberNo}/points/spend`, { amount: MAX_SAFE, requestId: "spend-0001", reason: "兑换" });
      assert.equal(spend.status, 400);
      assert.equal(spend.body.message, "amount: 积分不能超过 10,000,000");
      const profile = await consoleGet(context.server, `/api/console/members/${memberNo}`);
      assert.equal((profile.body.data as { points: number }).points, 500);
      assert.equal(await LedgerEntry.countDocuments({ reason: "兑换" }), 0);
    });
  });

  describe("the programme", () => {
    const cases: [string, (program: typeof DEFAULT_PROGRAM) => unknown, string][] = [
      ["growth per task", (p) => ({ ...p, growth: { ...p.growth, perTask: MAX_SAFE } }), "growth.perTask: 不能超过 10,000"],
      ["growth per sign-in", (p) => ({ ...p, growth: { ...p.growth, perSignIn: MAX_SAFE } }), "growth.perSignIn: 不能超过 10,000"],
      ["points per task", (p) => ({ ...p, points: { ...p.points, perTask: MAX_SAFE } }), "points.perTask: 不能超过 10,000"],
      ["points per yuan", (p) => ({ ...p, points: { ...p.points, perYuan: 101 } }), "points.perYuan: 每元不能超过 100"],
      ["points expiry", (p) => ({ ...p, points: { ...p.points, expiryMonths: 121 } }), "points.expiryMonths: 不能超过 120 个月"],
      ["level validity", (p) => ({ ...p, levelValidity: { ...p.levelValidity, months: 61 } }), "levelValidity.months: 不能超过 60 个月"],
      ["a level threshold", (p) => ({ ...p, levels: [...p.levels.slice(0, 3), { code: "black", name: "黑金会员", threshold: MAX_SAFE }] }), "levels.3.threshold: 成长值不能超过 1,000,000,000"],
      ["a benefit's stock", (p) => ({ ...p, benefits: [{ ...p.benefits[1], stock: MAX_SAFE }] }), "benefits.0.stock: 库存不能超过 10,000,000"],
      ["a benefit's value", (p) => ({ ...p, benefits: [{ ...p.benefits[0], valueFen: MAX_SAFE }] }), "benefits.0.valueFen: 金额不能超过 ¥1,000,000"],
      ["RFM monetary", (p) => ({ ...p, rfm: { ...p.rfm, monetary: [50_000, 200_000, 500_000, MAX_SAFE] } }), "rfm.monetary.3: 金额不能超过 ¥100,000,000"],
      ["RFM frequency", (p) => ({ ...p, rfm: { ...p.rfm, frequency: [2, 3, 5, MAX_SAFE] } }), "rfm.frequency.3: 订单数不能超过 100,000"],
      ["RFM recency", (p) => ({ ...p, rfm: { ...p.rfm, recencyDays: [30, 90, 180, MAX_SAFE] } }), "rfm.recencyDays.3: 天数不能超过 3,650"],
    ];
    for (const [what, change, message] of cases) {
      it(`should refuse ${what} beyond its bound and save no version`, async () => {
        const response = await consoleSend(context.server, "PUT", "/api/console/program", change(DEFAULT_PROGRAM));
        assert.equal(response.status, 400);
        assert.equal(response.body.message, message);
        const history = await consoleGet(context.server, "/api/console/program/history");
        assert.deepEqual(history.body.data, []);
      });
    }

    it("should keep loading a version saved before the bounds, so orders still record", async () => {
      const legacy = { ...DEFAULT_PROGRAM, growth: { ...DEFAULT_PROGRAM.growth, perTask: 50_000 }, rfm: { ...DEFAULT_PROGRAM.rfm, monetary: [50_000, 200_000, 500_000, 20_000_000_000] } };
      await ProgramSettings.create({ _id: 1, program: legacy, savedBy: "ops", savedAt: new Date("2025-01-01T00:00:00Z") });
      const current = await consoleGet(context.server, "/api/console/program");
      assert.equal(current.status, 200);
      assert.equal((current.body.data as { program: { growth: { perTask: number } } }).program.growth.perTask, 50_000);
      assert.equal((await post(order({}))).status, 201);
      // Saved again as it is, it is held to the bounds.
      const again = await consoleSend(context.server, "PUT", "/api/console/program", legacy);
      assert.equal(again.status, 400);
      assert.equal(again.body.message, "growth.perTask: 不能超过 10,000");
    });

    it("should accept the defaults and every setting at its bound", async () => {
      const atBounds = {
        ...DEFAULT_PROGRAM,
        growth: { perYuan: 100, perTask: 10_000, perSignIn: 10_000 },
        points: { perYuan: 100, perTask: 10_000, expiryMonths: 120 },
        levelValidity: { months: 60, onExpiry: "keep" },
        levels: [...DEFAULT_PROGRAM.levels.slice(0, 3), { code: "black", name: "黑金会员", threshold: 1_000_000_000 }],
        rfm: { recencyDays: [30, 90, 180, 3_650], frequency: [2, 3, 5, 100_000], monetary: [50_000, 200_000, 500_000, 10_000_000_000] },
      };
      for (const program of [DEFAULT_PROGRAM, atBounds]) {
        const response = await consoleSend(context.server, "PUT", "/api/console/program", program);
        assert.equal(response.status, 200, JSON.stringify(response.body));
      }
    });
  });
});

describe("upper bounds in the bulk order import", () => {
  let dir: string;
  beforeEach(async () => {
    await resetDatabase();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "scrm-bounds-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("should give a row over the bound the API's reason", () => {
    assert.equal(validateOrder({ channel: "tmall", orderNo: "T1", amount: MAX_SAFE, paidAt: PAID_AT }).reason, "amount: 金额不能超过 ¥1,000,000");
    assert.equal(validateOrder({ channel: "tmall", orderNo: "T1", amount: ORDER_MAX, paidAt: PAID_AT }).reason, null);
  });

  it("should reject the rows over the bound into the rejects file and import the rest", async () => {
    const file = path.join(dir, "orders.csv");
    fs.writeFileSync(
      file,
      [
        "channel,orderNo,amount,paidAt,refundedAmount,refundOf,phone",
        `tmall,T1,10000,${PAID_AT},,,13800000001`,
        `tmall,T2,${MAX_SAFE},${PAID_AT},,,13800000001`,
        `tmall,T3,10000,${PAID_AT},${MAX_SAFE},,13800000001`,
        `tmall,R1,-${MAX_SAFE},${PAID_AT},,T1,`,
        "",
      ].join("\n"),
    );
    const summary = await importOrders({ file, program: DEFAULT_PROGRAM, now: () => new Date("2026-06-01T00:00:00Z") });
    assert.deepEqual([summary.rows, summary.imported, summary.rejected], [4, 1, 3]);
    const rejects = (parse(fs.readFileSync(summary.rejectsFile, "utf8")) as string[][]).slice(1).map((record) => record.slice(0, 2));
    assert.deepEqual(rejects, [
      ["3", "amount: 金额不能超过 ¥1,000,000"],
      ["4", "refundedAmount: 金额不能超过 ¥1,000,000"],
      ["5", "amount: 退款金额不能超过 ¥1,000,000"],
    ]);
    const member = await Member.findOne().lean();
    assert.equal(member?.metrics?.totalSpent, 10_000);
    assert.equal(member?.points, 100);
  });
});
