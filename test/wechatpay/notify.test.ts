import assert from "node:assert/strict";
import type { Db } from "mongodb";
import mongoose from "mongoose";
import { cashTransferForWin, configureWeChatPay, requestCashPayout } from "../../server/commands/cashPayout.ts";
import { startScheduler } from "../../server/jobs/scheduler.ts";
import { CashTransfer } from "../../server/models/CashTransfer.ts";
import { DrawAudit } from "../../server/models/DrawAudit.ts";
import { waitFor } from "../../server/utils/async.ts";
import { recordLogs } from "../support/hooks.ts";
import { testWeComClient, useTestServer } from "../support/server.ts";
import { BILLS, FORGER_KEY, notification, OPENID, payApi, signedReply, useTestPay } from "./support.ts";

const agendaJobs = () => mongoose.connection.db!.collection("agenda_jobs");
const WIN = "665f1c2b9d3e4a0099999999";
const DRAW_ID = "665f1c2b9d3e4a00dddddddd";

async function pendingPayout(winId = WIN): Promise<void> {
  payApi()
    .post(BILLS)
    .reply(() => signedReply({ out_bill_no: `W${winId}`, transfer_bill_no: "1330000071100999991182020050700019480001", create_time: new Date().toISOString(), state: "WAIT_USER_CONFIRM", package_info: "pkg" }));
  await requestCashPayout({ winId, drawId: DRAW_ID, openid: OPENID, amountFen: 520, remark: "抽奖现金奖励", now: new Date() });
}

describe("POST /wechatpay/notify and the polling job", () => {
  const context = useTestServer();
  beforeEach(async () => {
    await agendaJobs().deleteMany({});
    useTestPay();
  });
  after(() => configureWeChatPay(null));

  const post = (body: string, headers: Record<string, string>) => fetch(`${context.server.url}/wechatpay/notify`, { method: "POST", headers, body });

  it("should verify, decrypt and apply a notification once; a duplicate is acknowledged and changes nothing", async () => {
    await pendingPayout();
    const sent = notification({ out_bill_no: `W${WIN}`, transfer_bill_no: "1330000071100999991182020050700019480001", state: "SUCCESS", transfer_amount: 520, openid: OPENID, create_time: new Date().toISOString(), update_time: new Date().toISOString() });
    const started = Date.now();
    const first = await post(sent.body, sent.headers);
    assert.equal(first.status, 204);
    assert.ok(Date.now() - started < 5000, "answered within WeChat Pay's 5 s");
    assert.equal((await cashTransferForWin(WIN))?.stateLabel, "已到账");
    const before = await CashTransfer.findById(WIN).lean();
    // WeChat Pay resends the same notification: acknowledged, nothing changes.
    const again = await post(sent.body, sent.headers);
    assert.equal(again.status, 204);
    assert.deepEqual(await CashTransfer.findById(WIN).lean(), before);
    // A later notification of another state for a final bill changes nothing either.
    const late = notification({ out_bill_no: `W${WIN}`, state: "FAIL", fail_reason: "OVERDUE_CLOSE" });
    assert.equal((await post(late.body, late.headers)).status, 204);
    assert.equal((await cashTransferForWin(WIN))?.state, "paid");
    // The draw's audit log says it was paid, once.
    const settled = await DrawAudit.find({ winId: WIN, kind: "payout", "detail.action": "settled" }).lean();
    assert.deepEqual(settled.map((line) => [String(line.drawId), line.detail["state"], line.detail["amountFen"]]), [[DRAW_ID, "paid", 520]]);
  });

  it("should refuse forged, tampered, unsigned and replayed notifications with 401 {code: FAIL}, logged, nothing changed", async () => {
    await pendingPayout();
    const before = await CashTransfer.findById(WIN).lean();
    const bill = { out_bill_no: `W${WIN}`, state: "SUCCESS" };
    const forged = notification(bill, { key: FORGER_KEY });
    const genuine = notification(bill);
    const tampered = genuine.body.replace("MCHTRANSFER.BILL.FINISHED", "MCHTRANSFER.BILL.FINISHEX");
    const unsigned: Record<string, string> = { ...genuine.headers };
    delete unsigned["Wechatpay-Signature"];
    const replayed = notification(bill, { timestamp: Math.floor(Date.now() / 1000) - 3600 });
    const logs = recordLogs();
    try {
      for (const [name, body, headers, message] of [
        ["forged", forged.body, forged.headers, "signature: 签名验证失败"],
        ["tampered", tampered, genuine.headers, "signature: 签名验证失败"],
        ["unsigned", genuine.body, unsigned, "signature: 缺少微信支付签名"],
        ["replayed an hour later", replayed.body, replayed.headers, "timestamp: 通知已过期"],
      ] as const) {
        const response = await post(body, headers);
        assert.equal(response.status, 401, name);
        assert.deepEqual(await response.json(), { code: "FAIL", message }, name);
      }
    } finally {
      logs.stop();
    }
    assert.deepEqual(await CashTransfer.findById(WIN).lean(), before, "nothing changed");
    const refusals = logs.lines.map((line) => JSON.parse(line) as { msg: string; reason?: string }).filter((line) => line.msg === "wechatpay notification refused");
    assert.deepEqual(refusals.map((line) => line.reason), ["bad_signature", "bad_signature", "unsigned", "stale"]);
    assert.ok(!logs.lines.join("").includes(OPENID));
  });

  it("should move a payout whose notification never came through the polling job on Agenda, with the injected clock", async () => {
    await pendingPayout();
    const job = await agendaJobs().findOne({ name: "PollTransfersJob", "data.winId": WIN });
    assert.ok(job, "the payout has its poll job");
    await agendaJobs().updateOne({ _id: job._id }, { $set: { nextRunAt: new Date(Date.now() - 1000) } });
    payApi().get(`${BILLS}/out-bill-no/W${WIN}`).reply(() => signedReply({ out_bill_no: `W${WIN}`, state: "TRANSFERING" }));
    const clock = new Date(Date.now() + 60_000);
    const scheduler = await startScheduler(mongoose.connection.db as Db, { wecom: testWeComClient(), now: () => clock }, { processEvery: 100 });
    try {
      assert.ok(await waitFor(async () => (await cashTransferForWin(WIN))?.state === "transferring", { timeoutMs: 10_000 }), "polled to 转账中");
    } finally {
      await scheduler.stop();
    }
    const next = await agendaJobs().findOne({ name: "PollTransfersJob", "data.winId": WIN });
    assert.ok((next?.nextRunAt as Date).getTime() > clock.getTime(), "the next poll is set from the injected clock, backing off");
    assert.equal(await agendaJobs().countDocuments({ name: "PollTransfersJob", "data.winId": WIN }), 1, "one job per payout");
  });
});
