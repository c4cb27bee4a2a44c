import assert from "node:assert/strict";
import { consoleGet, consoleSend, useTestServer } from "../support/server.ts";
import { loginAs } from "../support/sessions.ts";

describe("GET /api/console/kpis", () => {
  let clock = new Date("2026-09-01T02:00:00Z");
  const context = useTestServer({ now: () => clock });
  const order = async (channel: string, orderNo: string, yuan: number, member: Record<string, string>, paidAt: string) => {
    clock = new Date(paidAt);
    return consoleSend(context.server, "POST", "/api/console/orders", { channel, orderNo, amount: yuan * 100, paidAt, member });
  };

  it("should compute member share, new members per channel, repurchase, upgrade and benefit rates", async () => {
    await order("tmall", "A1", 100, { phone: "13100131000" }, "2026-09-02T02:00:00Z");
    await order("tmall", "A2", 200, { phone: "13100131000" }, "2026-09-10T02:00:00Z");
    await order("jd", "B1", 50, { unionid: "oU_b" }, "2026-09-05T02:00:00Z");
    const gold = await order("store", "C1", 6000, { phone: "13100131002" }, "2026-09-12T02:00:00Z");
    const rejected = await order("store", "X1", 100, {}, "2026-09-13T02:00:00Z");
    assert.equal(rejected.status, 422);
    const memberNo = (gold.body.data as { memberNo: string }).memberNo;
    const claim = await consoleSend(context.server, "POST", `/api/console/members/${memberNo}/benefits/silver_coupon/claim`, {});
    assert.equal(claim.status, 201);
    await consoleSend(context.server, "POST", "/api/console/benefits/redeem", { code: (claim.body.data as { code: string }).code });

    const response = await consoleGet(context.server, "/api/console/kpis?from=2026-09-01T00:00:00Z&to=2026-10-01T00:00:00Z&window=45");
    assert.equal(response.status, 200);
    const data = response.body.data as Record<string, unknown>;
    assert.deepEqual(data.memberShare, { orders: 0.8, gmv: 0.9845, memberOrders: 4, allOrders: 5, memberGmvFen: 635_000, allGmvFen: 645_000 });
    assert.deepEqual(
      (data.newMembersByChannel as { channel: string; count: number }[]).map((entry) => `${entry.channel}:${entry.count}`).sort(),
      ["jd:1", "store:1", "tmall:1"],
    );
    assert.deepEqual(data.repurchase, { windowDays: 45, buyers: 3, repeatBuyers: 1, rate: 0.3333 });
    assert.deepEqual(data.upgrade, { members: 3, upgraded: 1, rate: 0.3333 });
    assert.deepEqual(data.benefits, { claims: 1, redeemed: 1, claimingMembers: 1, eligibleMembers: 1, claimRate: 1, redemptionRate: 1 });

    const outside = await consoleGet(context.server, "/api/console/kpis?from=2026-10-01T00:00:00Z&to=2026-11-01T00:00:00Z");
    const empty = outside.body.data as { memberShare: { orders: number | null }; newMembersByChannel: unknown[] };
    assert.deepEqual([empty.memberShare.orders, empty.newMembersByChannel], [null, []]);
  });

  it("should name a bad query field", async () => {
    const response = await consoleGet(context.server, "/api/console/kpis?window=30");
    assert.equal(response.status, 400);
    assert.equal(response.body.message, "window: must be 45, 90, 180 or 365");
    const reversed = await consoleGet(context.server, "/api/console/kpis?from=2026-10-01T00:00:00Z&to=2026-09-01T00:00:00Z");
    assert.equal(reversed.body.message, "from: must be before to");
  });

  it("should cut a store manager's KPIs to their stores, and refuse another store's", async () => {
    const sold = async (orderNo: string, storeId: string, yuan: number, phone: string, paidAt: string) => {
      clock = new Date(paidAt);
      const answer = await consoleSend(context.server, "POST", "/api/console/orders", { channel: "store", orderNo, storeId, amount: yuan * 100, paidAt, member: { phone } });
      assert.ok([200, 201].includes(answer.status), JSON.stringify(answer.body));
    };
    await sold("S1", "101", 100, "13100131101", "2026-09-02T02:00:00Z");
    await sold("S2", "101", 300, "13100131101", "2026-09-20T02:00:00Z");
    await sold("S3", "102", 900, "13100131102", "2026-09-03T02:00:00Z");
    const manager = await loginAs(context.server, { userId: "mgr101", role: "manager", scopeStoreIds: ["101"], departmentIds: [101] });
    const period = "from=2026-09-01T00:00:00Z&to=2026-10-01T00:00:00Z&window=45";
    const own = await manager.get(`/api/console/kpis?${period}`);
    assert.equal(own.status, 200);
    const data = own.body.data as { storeIds: string[]; memberShare: { memberOrders: number; memberGmvFen: number }; newMembersByChannel: { count: number }[]; repurchase: { buyers: number; repeatBuyers: number } };
    assert.deepEqual(data.storeIds, ["101"]);
    assert.deepEqual([data.memberShare.memberOrders, data.memberShare.memberGmvFen], [2, 40_000]);
    assert.deepEqual(data.newMembersByChannel.map((entry) => entry.count), [1]);
    assert.deepEqual([data.repurchase.buyers, data.repurchase.repeatBuyers], [1, 1]);
    const other = await manager.get(`/api/console/kpis?${period}&storeId=102`);
    assert.equal(other.status, 403);
    assert.match(other.body.message ?? "", /^storeId: /);
    const brand = await consoleGet(context.server, `/api/console/kpis?${period}`);
    assert.equal((brand.body.data as { memberShare: { memberOrders: number }; storeIds: null }).memberShare.memberOrders, 3);
    const oneStore = await consoleGet(context.server, `/api/console/kpis?${period}&storeId=102`);
    assert.equal((oneStore.body.data as { memberShare: { memberOrders: number } }).memberShare.memberOrders, 1);
  });
});
