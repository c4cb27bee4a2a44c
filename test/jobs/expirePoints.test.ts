import assert from "node:assert/strict";
import type { Db } from "mongodb";
import mongoose from "mongoose";
import { startScheduler } from "../../server/jobs/scheduler.ts";
import { LedgerEntry } from "../../server/models/LedgerEntry.ts";
import { Member } from "../../server/models/Member.ts";
import { consoleSend, testWeComClient, useTestServer } from "../support/server.ts";

const months = (from: string, count: number) => {
  const date = new Date(from);
  date.setUTCMonth(date.getUTCMonth() + count);
  return date;
};

describe("ExpirePointsJob", () => {
  const context = useTestServer();

  async function runAt(now: Date): Promise<void> {
    const scheduler = await startScheduler(mongoose.connection.db as Db, { wecom: testWeComClient(), now: () => now }, { processEvery: 100 });
    try {
      await scheduler.runNow("ExpirePointsJob");
    } finally {
      await scheduler.stop();
    }
  }

  it("should let points lapse 24 months after they were earned, spends using the oldest first, once per day", async () => {
    const order = (orderNo: string, amount: number, paidAt: Date) =>
      consoleSend(context.server, "POST", "/api/console/orders", { channel: "tmall", orderNo, amount, paidAt: paidAt.toISOString(), member: { phone: "13000130001" } });
    const first = await order("E1", 25_000, new Date("2022-01-10T00:00:00Z"));
    const memberNo = (first.body.data as { memberNo: string }).memberNo;
    await order("E2", 10_000, new Date("2023-09-10T00:00:00Z"));
    const spend = await consoleSend(context.server, "POST", `/api/console/members/${memberNo}/points/spend`, { amount: 300, requestId: "expiry-spend-1", reason: "兑换礼品" });
    assert.equal(spend.status, 200, JSON.stringify(spend.body));
    const points = async () => (await Member.findOne({ memberNo }).lean())?.points;
    assert.equal(await points(), 50);

    // E1's 250 points lapse in 2024-01, but the spend of 300 used them all (and 50 of E2's).
    await runAt(months("2022-01-10T00:00:00Z", 25));
    assert.equal(await points(), 50);
    assert.equal(await LedgerEntry.countDocuments({ reason: "expiry" }), 0);

    // E2's remaining 50 lapse in 2025-09.
    const later = months("2023-09-10T00:00:00Z", 25);
    await runAt(later);
    assert.equal(await points(), 0);
    const expiry = await LedgerEntry.find({ reason: "expiry" }).lean();
    assert.deepEqual(expiry.map((entry) => entry.delta), [-50]);

    // A rerun on the same day, and on a later day, takes nothing more.
    await runAt(later);
    await runAt(new Date(later.getTime() + 86_400_000));
    assert.equal(await points(), 0);
    assert.equal(await LedgerEntry.countDocuments({ reason: "expiry" }), 1);
  });

  it("should never take more than the balance", async () => {
    const created = await consoleSend(context.server, "POST", "/api/console/orders", {
      channel: "tmall",
      orderNo: "E3",
      amount: 10_000,
      paidAt: new Date("2022-01-10T00:00:00Z").toISOString(),
      member: { phone: "13000130002" },
    });
    const memberNo = (created.body.data as { memberNo: string }).memberNo;
    // A balance already below what the ledger says is due (e.g. before a reconcile).
    await Member.updateOne({ memberNo }, { $set: { points: 30 } });
    await runAt(months("2022-01-10T00:00:00Z", 30));
    assert.equal((await Member.findOne({ memberNo }).lean())?.points, 0);
    assert.deepEqual((await LedgerEntry.find({ reason: "expiry" }).lean()).map((entry) => entry.delta), [-30]);
  });
});
