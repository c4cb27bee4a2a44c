import assert from "node:assert/strict";
import { LedgerEntry } from "../../server/models/LedgerEntry.ts";
import { Member } from "../../server/models/Member.ts";
import { Order } from "../../server/models/Order.ts";
import { consoleGet, consoleSend, useTestServer } from "../support/server.ts";

const order = (overrides: Record<string, unknown> = {}) => ({
  channel: "tmall",
  orderNo: "T1001",
  amount: 38_000,
  paidAt: "2026-03-01T10:00:00+08:00",
  member: { phone: "+86 138-0013-8000", name: "王女士" },
  items: [{ sku: "SKU1", name: "精华液", category: "护肤", quantity: 1, amount: 38_000 }],
  storeId: "store_sh_01",
  ...overrides,
});

interface MemberBody {
  memberNo: string;
  phone: string;
  level: { code: string };
  growth: number;
  points: number;
  progress: { hint: string; growthNeeded: number };
  metrics: { totalSpentFen: number; orderCount: number; averageOrderValueFen: number };
}

describe("orders and the ledger", () => {
  const context = useTestServer();
  const member = async (memberNo: string) => {
    const response = await consoleGet(context.server, `/api/console/members/${memberNo}`);
    assert.equal(response.status, 200);
    return response.body.data as MemberBody;
  };

  it("should create the member from an order with a phone and credit growth, points and metrics", async () => {
    const created = await consoleSend(context.server, "POST", "/api/console/orders", order());
    assert.equal(created.status, 201);
    const data = created.body.data as { result: string; memberNo: string; orderId: string };
    assert.equal(data.result, "created");
    assert.equal(data.orderId, "tmall:T1001");
    const profile = await member(data.memberNo);
    assert.equal(profile.phone, "138****8000");
    assert.deepEqual([profile.level.code, profile.growth, profile.points], ["regular", 380, 380]);
    assert.deepEqual([profile.metrics.totalSpentFen, profile.metrics.orderCount], [38_000, 1]);
    assert.equal(profile.progress.hint, "还差 ¥620 升级银卡会员");
    const stored = await Member.findOne({ memberNo: data.memberNo }).lean();
    assert.equal(JSON.stringify(stored).includes("13800138000"), false, "the phone is never stored in clear");
  });

  it("should count a replayed order once, in a batch and alone", async () => {
    const first = await consoleSend(context.server, "POST", "/api/console/orders", order());
    const memberNo = (first.body.data as { memberNo: string }).memberNo;
    const batch = await consoleSend(context.server, "POST", "/api/console/orders", {
      orders: [order(), order({ orderNo: "T1002", amount: 10_000, paidAt: "2026-04-01T10:00:00+08:00" }), order()],
    });
    assert.equal(batch.status, 200);
    assert.deepEqual((batch.body.data as { summary: object }).summary, { created: 1, duplicate: 2, refunded: 0, rejected: 0 });
    const again = await consoleSend(context.server, "POST", "/api/console/orders", order());
    assert.equal((again.body.data as { result: string }).result, "duplicate");
    const profile = await member(memberNo);
    assert.deepEqual([profile.growth, profile.points, profile.metrics.orderCount, profile.metrics.totalSpentFen], [480, 480, 2, 48_000]);
    assert.equal(await LedgerEntry.countDocuments({ memberId: (await Member.findOne({ memberNo }))?._id }), 4);
  });

  it("should credit an order whose process died after storing it, once, when it is replayed", async () => {
    const first = await consoleSend(context.server, "POST", "/api/console/orders", order());
    const memberNo = (first.body.data as { memberNo: string }).memberNo;
    // Simulate a crash between storing the order and posting its credits.
    await LedgerEntry.deleteMany({});
    await Member.updateOne({ memberNo }, { $set: { growth: 0, points: 0, "metrics.totalSpent": 0, "metrics.orderCount": 0 } });
    await consoleSend(context.server, "POST", "/api/console/orders", order());
    await consoleSend(context.server, "POST", "/api/console/orders", order());
    const profile = await member(memberNo);
    assert.deepEqual([profile.growth, profile.points, profile.metrics.orderCount], [380, 380, 1]);
  });

  it("should take back growth and points for refunds, by status change and by refund record, once each", async () => {
    const first = await consoleSend(context.server, "POST", "/api/console/orders", order({ amount: 100_000 }));
    const memberNo = (first.body.data as { memberNo: string }).memberNo;
    const partial = await consoleSend(context.server, "POST", "/api/console/orders", order({ amount: 100_000, status: "partially_refunded", refundedAmount: 20_000 }));
    assert.equal((partial.body.data as { result: string }).result, "refunded");
    await consoleSend(context.server, "POST", "/api/console/orders", order({ amount: 100_000, status: "partially_refunded", refundedAmount: 20_000 }));
    const record = { channel: "tmall", orderNo: "R1", amount: -30_000, refundOf: "T1001", paidAt: "2026-03-05T10:00:00+08:00" };
    await consoleSend(context.server, "POST", "/api/console/orders", record);
    await consoleSend(context.server, "POST", "/api/console/orders", record);
    const profile = await member(memberNo);
    assert.deepEqual([profile.growth, profile.points, profile.metrics.totalSpentFen], [500, 500, 50_000]);
    const stored = await Order.findById("tmall:T1001").lean();
    assert.deepEqual([stored?.refundedAmount, stored?.status], [50_000, "partially_refunded"]);
  });

  it("should reject an order for an unknown member without a phone or unionid, and store nothing", async () => {
    const response = await consoleSend(context.server, "POST", "/api/console/orders", order({ member: { buyerId: "tb_buyer_1" } }));
    assert.equal(response.status, 422);
    assert.deepEqual(response.body.data, { result: "rejected", orderId: "tmall:T1001", reason: "member: 未知会员，订单需携带手机号或 unionid" });
    assert.equal(await Order.countDocuments(), 0);
    assert.equal(await Member.countDocuments(), 0);
  });

  it("should refuse a batch with one bad order naming it, and write nothing", async () => {
    const response = await consoleSend(context.server, "POST", "/api/console/orders", {
      orders: [order(), order({ orderNo: "T2", amount: 12.5 })],
    });
    assert.equal(response.status, 400);
    assert.equal(response.body.message, "orders.1.amount: must be an integer number of fen");
    assert.equal(await Order.countDocuments(), 0);
  });

  it("should match a later order by unionid and phone to the same member", async () => {
    const first = await consoleSend(context.server, "POST", "/api/console/orders", order({ member: { phone: "13800138000", unionid: "oU_same" } }));
    const second = await consoleSend(
      context.server,
      "POST",
      "/api/console/orders",
      order({ channel: "jd", orderNo: "J9", member: { unionid: "oU_same" } }),
    );
    const third = await consoleSend(
      context.server,
      "POST",
      "/api/console/orders",
      order({ channel: "store", orderNo: "S7", member: { phone: "138 0013 8000" } }),
    );
    const numbers = [first, second, third].map((response) => (response.body.data as { memberNo: string }).memberNo);
    assert.equal(new Set(numbers).size, 1);
    assert.equal(await Member.countDocuments(), 1);
  });
});
