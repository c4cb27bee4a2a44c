import assert from "node:assert/strict";
import type { Db } from "mongodb";
import mongoose from "mongoose";
import { startScheduler } from "../../server/jobs/scheduler.ts";
import { Member } from "../../server/models/Member.ts";
import { consoleSend, testWeComClient, useTestServer } from "../support/server.ts";

describe("ReconcileBalancesJob", () => {
  const context = useTestServer();

  it("should set balances a crash left apart from the ledger back to the ledger's", async () => {
    const created = await consoleSend(context.server, "POST", "/api/console/orders", {
      channel: "tmall",
      orderNo: "R1",
      amount: 25_000,
      paidAt: new Date().toISOString(),
      member: { phone: "13000130000" },
    });
    const memberNo = (created.body.data as { memberNo: string }).memberNo;
    await consoleSend(context.server, "POST", `/api/console/members/${memberNo}/points/spend`, { amount: 50, requestId: "reconcile-spend-1", reason: "兑换" });
    // A process died after writing ledger entries but before moving the balances.
    await Member.updateOne({ memberNo }, { $set: { growth: 0, points: 999 } });

    const scheduler = await startScheduler(mongoose.connection.db as Db, { wecom: testWeComClient(), now: () => new Date() }, { processEvery: 100 });
    try {
      await scheduler.runNow("ReconcileBalancesJob");
    } finally {
      await scheduler.stop();
    }
    const member = await Member.findOne({ memberNo }).lean();
    assert.deepEqual([member?.growth, member?.points], [250, 200]);
  });
});
