import assert from "node:assert/strict";
import { LedgerEntry } from "../../server/models/LedgerEntry.ts";
import { Member } from "../../server/models/Member.ts";
import { MemberIdentity } from "../../server/models/MemberIdentity.ts";
import { Order } from "../../server/models/Order.ts";
import { DEFAULT_PROGRAM } from "../../server/domain/program.ts";
import { consoleGet, consoleSend, useTestServer } from "../support/server.ts";

interface Outcome {
  memberNo: string;
}

describe("members: points, matching conflicts, merges, program", () => {
  const context = useTestServer();
  const buy = async (orderNo: string, yuan: number, member: Record<string, string>, channel = "tmall") => {
    const response = await consoleSend(context.server, "POST", "/api/console/orders", {
      channel,
      orderNo,
      amount: yuan * 100,
      paidAt: "2026-05-01T12:00:00+08:00",
      member,
    });
    assert.ok([200, 201].includes(response.status), JSON.stringify(response.body));
    return (response.body.data as Outcome).memberNo;
  };
  const profile = async (memberNo: string) =>
    (await consoleGet(context.server, `/api/console/members/${memberNo}`)).body.data as { points: number; growth: number; externalUserIds: string[]; metrics: { orderCount: number } };

  describe("spending points", () => {
    it("should let exactly 10 of 200 concurrent spends through when the balance covers 10", async () => {
      const memberNo = await buy("P1", 100, { phone: "13700137000" });
      assert.equal((await profile(memberNo)).points, 100);
      const spends = await Promise.all(
        Array.from({ length: 200 }, (_, index) =>
          consoleSend(context.server, "POST", `/api/console/members/${memberNo}/points/spend`, {
            amount: 10,
            requestId: `spend-request-${index}`,
            reason: "兑换小样",
          }),
        ),
      );
      const succeeded = spends.filter((response) => response.status === 200);
      const refused = spends.filter((response) => response.status === 422);
      assert.equal(succeeded.length, 10);
      assert.equal(refused.length, 190);
      assert.ok(refused.every((response) => response.body.error === "insufficient_points" && response.body.message === "amount: 积分余额不足"));
      assert.equal((await profile(memberNo)).points, 0);
      const spent = await LedgerEntry.find({ reason: "兑换小样" }).lean();
      assert.equal(spent.length, 10, "only applied spends stay in the ledger");
      assert.ok(spent.every((entry) => entry.state === "applied" && entry.delta === -10));
    });

    it("should spend once for a retried request", async () => {
      const memberNo = await buy("P2", 100, { phone: "13700137001" });
      const body = { amount: 30, requestId: "retry-me-0001", reason: "兑换" };
      const first = await consoleSend(context.server, "POST", `/api/console/members/${memberNo}/points/spend`, body);
      const retry = await consoleSend(context.server, "POST", `/api/console/members/${memberNo}/points/spend`, body);
      assert.deepEqual([first.status, retry.status], [200, 200]);
      assert.equal((retry.body.data as { replayed: boolean }).replayed, true);
      assert.equal((await profile(memberNo)).points, 70);
    });

    it("should name the bad field", async () => {
      const memberNo = await buy("P3", 10, { phone: "13700137002" });
      const response = await consoleSend(context.server, "POST", `/api/console/members/${memberNo}/points/spend`, { amount: 0, requestId: "abcdefgh", reason: "x" });
      assert.equal(response.status, 400);
      assert.equal(response.body.message, "amount: must be ≥ 1");
    });
  });

  describe("matching across channels", () => {
    it("should refuse an order whose unionid and phone belong to two members, and change nothing", async () => {
      const first = await buy("M1", 50, { phone: "13600136000" });
      const second = await buy("M2", 50, { unionid: "oU_other" }, "jd");
      const identitiesBefore = await MemberIdentity.countDocuments();
      const response = await consoleSend(context.server, "POST", "/api/console/orders", {
        channel: "store",
        orderNo: "S1",
        amount: 5000,
        paidAt: "2026-05-02T12:00:00+08:00",
        member: { phone: "13600136000", unionid: "oU_other" },
      });
      assert.equal(response.status, 409);
      assert.match(String(response.body.message), /^unionid \/ phone: 分别属于两位不同的会员/);
      assert.equal(await Order.countDocuments({ _id: "store:S1" }), 0);
      assert.equal(await MemberIdentity.countDocuments(), identitiesBefore);
      assert.notEqual(first, second);
    });

    it("should bind a WeCom customer to a member on a guide's word, and refuse taking one from another member", async () => {
      const first = await buy("B1", 50, { phone: "13500135000" });
      const second = await buy("B2", 50, { phone: "13500135001" });
      const bind = await consoleSend(context.server, "POST", `/api/console/members/${first}/bindings`, { externalUserId: "wmBoundCustomer1" });
      assert.equal(bind.status, 200);
      assert.deepEqual((await profile(first)).externalUserIds, ["wmBoundCustomer1"]);
      const steal = await consoleSend(context.server, "POST", `/api/console/members/${second}/bindings`, { externalUserId: "wmBoundCustomer1" });
      assert.equal(steal.status, 409);
      // A later order carrying the customer id lands on the bound member.
      const later = await buy("B3", 20, { externalUserId: "wmBoundCustomer1", phone: "13500135000" }, "miniprogram");
      assert.equal(later, first);
    });
  });

  describe("merging members", () => {
    it("should merge two members into one and undo it exactly", async () => {
      const keep = await buy("G1", 300, { phone: "13400134000" });
      const dup = await buy("G2", 200, { unionid: "oU_dup" }, "jd");
      await consoleSend(context.server, "POST", `/api/console/members/${dup}/bindings`, { externalUserId: "wmDupCustomer" });
      const merged = await consoleSend(context.server, "POST", "/api/console/members/merge", { from: dup, into: keep, reason: "同一手机号的两个账号" });
      assert.equal(merged.status, 201);
      let kept = await profile(keep);
      assert.deepEqual([kept.growth, kept.points, kept.metrics.orderCount, kept.externalUserIds], [500, 500, 2, ["wmDupCustomer"]]);
      assert.equal((await profile(dup)).growth, 0);
      // Orders and identities of the merged member now find the kept one.
      assert.equal(await buy("G3", 10, { unionid: "oU_dup" }, "jd"), keep);

      const mergeId = (merged.body.data as { mergeId: string }).mergeId;
      const undone = await consoleSend(context.server, "POST", `/api/console/member-merges/${mergeId}/undo`, {});
      assert.equal(undone.status, 200);
      kept = await profile(keep);
      const restored = await profile(dup);
      assert.deepEqual([kept.growth, kept.metrics.orderCount, kept.externalUserIds], [310, 2, []]);
      assert.deepEqual([restored.growth, restored.metrics.orderCount, restored.externalUserIds], [200, 1, ["wmDupCustomer"]]);
      assert.equal((await Member.findOne({ memberNo: dup }).lean())?.mergedInto, null);
      // Undoing twice changes nothing.
      await consoleSend(context.server, "POST", `/api/console/member-merges/${mergeId}/undo`, {});
      assert.equal((await profile(keep)).growth, 310);
    });
  });

  describe("program settings", () => {
    it("should keep every saved version as history", async () => {
      const first = await consoleSend(context.server, "PUT", "/api/console/program", DEFAULT_PROGRAM);
      const second = await consoleSend(context.server, "PUT", "/api/console/program", { ...DEFAULT_PROGRAM, repurchaseWindowDays: 45 });
      assert.deepEqual([(first.body.data as { version: number }).version, (second.body.data as { version: number }).version], [1, 2]);
      const history = await consoleGet(context.server, "/api/console/program/history");
      assert.deepEqual((history.body.data as { version: number }[]).map((entry) => entry.version), [2, 1]);
      const current = await consoleGet(context.server, "/api/console/program");
      assert.equal((current.body.data as { program: { repurchaseWindowDays: number } }).program.repurchaseWindowDays, 45);
    });

    it("should refuse thresholds out of order, naming the level", async () => {
      const levels = [
        { code: "regular", name: "普通", threshold: 0 },
        { code: "gold", name: "金卡", threshold: 500 },
        { code: "silver", name: "银卡", threshold: 100 },
      ];
      const response = await consoleSend(context.server, "PUT", "/api/console/program", { ...DEFAULT_PROGRAM, levels });
      assert.equal(response.status, 400);
      assert.equal(response.body.message, "levels.2.threshold: must be above the previous level's");
      const history = await consoleGet(context.server, "/api/console/program/history");
      assert.deepEqual(history.body.data, []);
    });
  });
});
