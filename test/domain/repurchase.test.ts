import assert from "node:assert/strict";
import { DEFAULT_PROGRAM } from "../../server/domain/program.ts";
import { memberMetrics, predictRepurchase } from "../../server/domain/metrics.ts";
import { consoleGet, consoleSend, useTestServer } from "../support/server.ts";

const DAY = 86_400_000;
const at = (iso: string) => new Date(iso);

describe("repurchase prediction (purchase days, not orders)", () => {
  it("should predict nothing for three orders on one day, or for too few purchase days", () => {
    const sameDay = [at("2026-12-01T09:00:00+08:00"), at("2026-12-01T12:00:00+08:00"), at("2026-12-01T23:59:00+08:00")];
    assert.deepEqual(predictRepurchase(sameDay, 45), { predicted: null, overdueAfter: null });
    assert.deepEqual(predictRepurchase([at("2026-10-01T10:00:00+08:00"), at("2026-11-01T10:00:00+08:00")], 45), { predicted: null, overdueAfter: null });
  });

  it("should count days on China's calendar: 23:30 and 00:30 Beijing time are two days", () => {
    const times = [at("2026-11-30T23:30:00+08:00"), at("2026-12-01T00:30:00+08:00"), at("2026-12-02T10:00:00+08:00")];
    const { predicted } = predictRepurchase(times, 45);
    assert.equal(predicted?.toISOString(), "2026-12-02T16:00:00.000Z", "the last day plus the mean one-day gap, from China midnight");
  });

  it("should predict the last purchase day plus the mean gap, and call it overdue only a third of the window later", () => {
    const times = [at("2026-09-01T10:00:00+08:00"), at("2026-10-01T15:00:00+08:00"), at("2026-10-01T18:00:00+08:00"), at("2026-10-31T11:00:00+08:00")];
    const { predicted, overdueAfter } = predictRepurchase(times, 45);
    assert.equal(predicted?.toISOString(), "2026-11-29T16:00:00.000Z");
    assert.equal(overdueAfter?.getTime(), (predicted as Date).getTime() + 15 * DAY);
    const stored = { totalSpent: 40000, orderCount: 4, lastPurchaseAt: times[3], purchaseTimes: times };
    const program = { ...DEFAULT_PROGRAM, repurchaseWindowDays: 45 } as typeof DEFAULT_PROGRAM;
    assert.equal(memberMetrics(stored, program, at("2026-11-20T12:00:00+08:00")).repurchase, "not_due");
    assert.equal(memberMetrics(stored, program, at("2026-12-10T12:00:00+08:00")).repurchase, "due");
    assert.equal(memberMetrics(stored, program, at("2026-12-15T12:00:00+08:00")).repurchase, "overdue");
  });

  describe("on a member's profile", () => {
    const context = useTestServer();

    it("should show no prediction and no warning for a member who ordered three times today", async () => {
      let memberNo = "";
      for (const [index, hour] of ["09", "12", "18"].entries()) {
        const paidAt = new Date(Date.now() - (index + 1) * 60_000).toISOString();
        const answer = await consoleSend(context.server, "POST", "/api/console/orders", { channel: "store", orderNo: `T${hour}`, amount: 19900, paidAt, member: { phone: "13800138000", name: "王小姐" } });
        assert.ok([200, 201].includes(answer.status), JSON.stringify(answer.body));
        memberNo = (answer.body.data as { memberNo: string }).memberNo;
      }
      const profile = await consoleGet(context.server, `/api/console/members/${memberNo}`);
      const metrics = (profile.body.data as { metrics: { orderCount: number; predictedNextPurchaseAt: string | null; repurchase: string } }).metrics;
      assert.equal(metrics.orderCount, 3);
      assert.equal(metrics.predictedNextPurchaseAt, null);
      assert.equal(metrics.repurchase, "none");
    });
  });
});
