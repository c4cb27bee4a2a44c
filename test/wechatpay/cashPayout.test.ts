import assert from "node:assert/strict";
import mongoose from "mongoose";
import { cashTransferForWin, configureWeChatPay, outBillNoFor, requestCashPayout, retryCashPayout, wechatPayConfigured } from "../../server/commands/cashPayout.ts";
import { CashTransfer } from "../../server/models/CashTransfer.ts";
import { DrawAudit } from "../../server/models/DrawAudit.ts";
import { PollTransfersJob } from "../../server/jobs/PollTransfersJob.ts";
import { recordLogs } from "../support/hooks.ts";
import { resetDatabase } from "../support/hooks.ts";
import { testWeComClient } from "../support/server.ts";
import { APIV3_KEY, APP_ID, BILLS, MCH_ID, MERCHANT_PRIVATE_PEM, OPENID, payApi, signedReply, useTestPay, verifyAuthorization } from "./support.ts";

const agendaJobs = () => mongoose.connection.db!.collection("agenda_jobs");
const NOW = new Date("2026-12-04T10:00:00Z");
const DRAW_ID = "665f1c2b9d3e4a00dddddddd";
const payout = (winId: string, amountFen = 888) => requestCashPayout({ winId, drawId: DRAW_ID, openid: OPENID, amountFen, remark: "抽奖现金奖励", activityName: "双十二抽奖", rewardDescription: "一等奖 8.88 元", now: NOW });
const bill = (outBillNo: string, state: string, extra: Record<string, unknown> = {}) => ({ out_bill_no: outBillNo, transfer_bill_no: `1330000071100999991182020050700${state.length}`, create_time: NOW.toISOString(), state, ...extra });
const job = (at: Date) => new PollTransfersJob({ wecom: testWeComClient(), now: () => at });

describe("cash payouts through WeChat Pay transfer bills", () => {
  beforeEach(async () => {
    await resetDatabase();
    await agendaJobs().deleteMany({});
    useTestPay();
  });
  after(() => configureWeChatPay(null));

  it("should sign the create as §7.1 says and answer 待确认 with the package for requestMerchantTransfer", async () => {
    const winId = "665f1c2b9d3e4a0012345678";
    const seen: { auth?: string; body?: string } = {};
    payApi()
      .post(BILLS, (body) => {
        seen.body = JSON.stringify(body);
        return true;
      })
      .reply(function (_uri, body) {
        seen.auth = this.req.headers.authorization;
        const sent = body as { out_bill_no: string };
        return signedReply(bill(sent.out_bill_no, "WAIT_USER_CONFIRM", { package_info: "affffddafdfafddffda==" }));
      });
    const view = await payout(winId);
    assert.deepEqual(view, {
      winId,
      state: "pending_confirm",
      stateLabel: "待确认",
      packageInfo: "affffddafdfafddffda==",
      mchId: MCH_ID,
      appId: APP_ID,
      confirmBefore: new Date(NOW.getTime() + 24 * 3600_000).toISOString(),
    });
    const sent = JSON.parse(seen.body ?? "{}") as Record<string, unknown>;
    assert.equal(sent.out_bill_no, `W${winId}`);
    assert.deepEqual(
      { appid: sent.appid, openid: sent.openid, transfer_scene_id: sent.transfer_scene_id, transfer_amount: sent.transfer_amount, user_recv_perception: sent.user_recv_perception, infos: sent.transfer_scene_report_infos },
      { appid: APP_ID, openid: OPENID, transfer_scene_id: "1000", transfer_amount: 888, user_recv_perception: "活动奖励", infos: [{ info_type: "活动名称", info_content: "双十二抽奖" }, { info_type: "奖励说明", info_content: "一等奖 8.88 元" }] },
    );
    // The header WeChat Pay checks: merchant id, serial, and a signature over the exact body.
    const { valid, fields } = verifyAuthorization("POST", BILLS, JSON.stringify(sent), seen.auth ?? "");
    assert.ok(valid, "the signature verifies with the merchant public key");
    assert.equal(fields.mchid, MCH_ID);
    assert.equal(fields.serial_no, "5157F09EFDC096DE15EBE81A47057A7232F1B8E1");
    assert.equal(await agendaJobs().countDocuments({ name: "PollTransfersJob", "data.winId": winId }), 1, "polled until final");
  });

  it("should sign a bodiless POST (cancel) with the empty body line, and a GET query", async () => {
    const client = useTestPay();
    const auths: Record<string, string> = {};
    payApi()
      .post(`${BILLS}/out-bill-no/Wabc/cancel`)
      .reply(function () {
        auths.cancel = this.req.headers.authorization ?? "";
        return signedReply({ out_bill_no: "Wabc", state: "CANCELING" });
      })
      .get(`${BILLS}/out-bill-no/Wabc`)
      .reply(function () {
        auths.query = this.req.headers.authorization ?? "";
        return signedReply(bill("Wabc", "CANCELLED"));
      });
    assert.equal((await client.cancelBill("Wabc")).kind, "answered");
    assert.equal((await client.queryBill("Wabc")).kind, "answered");
    assert.ok(verifyAuthorization("POST", `${BILLS}/out-bill-no/Wabc/cancel`, "", auths.cancel ?? "").valid);
    assert.ok(verifyAuthorization("GET", `${BILLS}/out-bill-no/Wabc`, "", auths.query ?? "").valid);
  });

  it("should query after a create that timed out and never create a second bill", async () => {
    const winId = "665f1c2b9d3e4a0012345679";
    let creates = 0;
    payApi()
      .post(BILLS, () => {
        creates += 1;
        return true;
      })
      .delay(1500)
      .reply(() => signedReply(bill(`W${winId}`, "WAIT_USER_CONFIRM", { package_info: "pkg" })))
      .persist();
    payApi()
      .get(`${BILLS}/out-bill-no/W${winId}`)
      .reply(() => signedReply(bill(`W${winId}`, "WAIT_USER_CONFIRM", { package_info: "pkg" })));
    const view = await payout(winId);
    assert.equal(view.state, "pending_confirm");
    assert.equal(view.packageInfo, "pkg");
    // Asked again (a retried draw request) and polled: still the one bill.
    await payout(winId);
    payApi().get(`${BILLS}/out-bill-no/W${winId}`).reply(() => signedReply(bill(`W${winId}`, "SUCCESS")));
    assert.equal((await job(new Date(NOW.getTime() + 60_000)).perform({ winId })).state, "SUCCESS");
    assert.equal(creates, 1, "exactly one create reached WeChat Pay");
  });

  it("should stay 处理中 while WeChat Pay is down, then create under the same out_bill_no once the query says there is none", async () => {
    const winId = "665f1c2b9d3e4a001234567a";
    const outBillNos: string[] = [];
    payApi().post(BILLS).reply(503, "busy").get(`${BILLS}/out-bill-no/W${winId}`).reply(503, "busy");
    const first = await payout(winId);
    assert.deepEqual(first, { winId, state: "processing", stateLabel: "处理中" });
    // The job: the query says no bill exists, so the next step may create it, with the same number.
    payApi().get(`${BILLS}/out-bill-no/W${winId}`).reply(404, { code: "NOT_FOUND", message: "记录不存在" });
    await job(new Date(NOW.getTime() + 30_000)).perform({ winId });
    payApi()
      .post(BILLS, (body: { out_bill_no: string }) => {
        outBillNos.push(body.out_bill_no);
        return true;
      })
      .reply(() => signedReply(bill(`W${winId}`, "WAIT_USER_CONFIRM", { package_info: "pkg2" })));
    await job(new Date(NOW.getTime() + 90_000)).perform({ winId });
    assert.deepEqual(outBillNos, [`W${winId}`]);
    assert.equal((await cashTransferForWin(winId, NOW))?.state, "pending_confirm");
  });

  it("should treat an answer whose signature does not verify as no answer", async () => {
    const winId = "665f1c2b9d3e4a001234567b";
    payApi()
      .post(BILLS)
      .reply(200, JSON.stringify(bill(`W${winId}`, "SUCCESS")), { "Content-Type": "application/json" })
      .get(`${BILLS}/out-bill-no/W${winId}`)
      .reply(200, JSON.stringify(bill(`W${winId}`, "SUCCESS")), { "Content-Type": "application/json" });
    assert.equal((await payout(winId)).state, "processing");
  });

  it("should show a refused create as 失败 with the reason and let the operator retry it", async () => {
    const winId = "665f1c2b9d3e4a001234567c";
    payApi()
      .post(BILLS)
      .reply(400, { code: "PARAM_ERROR", message: "需传入转账场景报备信息,请检查" })
      .get(`${BILLS}/out-bill-no/W${winId}`)
      .reply(404, { code: "NOT_FOUND", message: "记录不存在" });
    const failed = await payout(winId);
    assert.equal(failed.state, "failed");
    assert.equal(failed.failReason, "PARAM_ERROR: 需传入转账场景报备信息,请检查");
    // Settled: the job does not hammer WeChat Pay with the same refused request.
    assert.deepEqual(await job(new Date(NOW.getTime() + 60_000)).perform({ winId }), { winId, state: "REFUSED", polled: false });
    payApi().post(BILLS).reply(() => signedReply(bill(`W${winId}`, "WAIT_USER_CONFIRM", { package_info: "p" })));
    const retried = await retryCashPayout({ winId, actorId: "admin", now: NOW });
    assert.equal(retried.state, "pending_confirm");
    assert.equal((await CashTransfer.findById(winId).lean())?.outBillNo, `W${winId}`, "no bill existed: the same number");
  });

  it("should retry a failed bill under a new out_bill_no, recorded, and refuse a second retry of the same failure", async () => {
    const winId = "665f1c2b9d3e4a001234567d";
    payApi().post(BILLS).reply(() => signedReply(bill(`W${winId}`, "WAIT_USER_CONFIRM", { package_info: "p" })));
    await payout(winId);
    await assert.rejects(retryCashPayout({ winId, actorId: "admin", now: NOW }), /只有失败或已取消的转账可以重试/);
    payApi().get(`${BILLS}/out-bill-no/W${winId}`).reply(() => signedReply(bill(`W${winId}`, "FAIL", { fail_reason: "OVERDUE_CLOSE" })));
    await job(new Date(NOW.getTime() + 25 * 3600_000)).perform({ winId });
    const failed = await cashTransferForWin(winId, NOW);
    assert.equal(failed?.stateLabel, "失败");
    assert.match(failed?.failReason ?? "", /超过系统重试期/);
    const sent: string[] = [];
    payApi()
      .post(BILLS, (body: { out_bill_no: string }) => {
        sent.push(body.out_bill_no);
        return true;
      })
      .reply(() => signedReply(bill(`W${winId}R2`, "WAIT_USER_CONFIRM", { package_info: "p2" })));
    const [one, two] = await Promise.allSettled([retryCashPayout({ winId, actorId: "op1", now: NOW }), retryCashPayout({ winId, actorId: "op2", now: NOW })]);
    assert.deepEqual([one.status, two.status].sort(), ["fulfilled", "rejected"], "two retries at once make one attempt");
    assert.deepEqual(sent, [outBillNoFor(winId, 2)]);
    const stored = await CashTransfer.findById(winId).lean();
    assert.equal(stored?.attempt, 2);
    assert.deepEqual(stored?.attempts.map((attempt) => [attempt.outBillNo, attempt.endedState, attempt.failReason]), [
      [`W${winId}`, "FAIL", "OVERDUE_CLOSE"],
      [`W${winId}R2`, null, null],
    ]);
    // The draw's audit log: how the first bill ended (once, though the job may look again) and who retried it.
    const lines = await DrawAudit.find({ winId, kind: "payout" }).sort({ _id: 1 }).lean();
    assert.deepEqual(
      lines.map((line) => [line.actor, line.detail["action"] ?? null, line.detail["state"] ?? null]),
      [
        ["system", "settled", "failed"],
        [one.status === "fulfilled" ? "op1" : "op2", "retry", null],
      ],
    );
    assert.match(String(lines[0]?.detail["failReason"]), /超过系统重试期/);
  });

  it("should cancel a bill still unconfirmed an hour past WeChat Pay's 24 h window, and not offer its package", async () => {
    const winId = "665f1c2b9d3e4a001234567e";
    payApi().post(BILLS).reply(() => signedReply(bill(`W${winId}`, "WAIT_USER_CONFIRM", { package_info: "p" })));
    await payout(winId);
    const late = new Date(NOW.getTime() + 25 * 3600_000 + 1000);
    assert.equal((await cashTransferForWin(winId, late))?.packageInfo, undefined, "past the window the page offers no confirmation");
    let cancels = 0;
    payApi()
      .get(`${BILLS}/out-bill-no/W${winId}`)
      .reply(() => signedReply(bill(`W${winId}`, "WAIT_USER_CONFIRM")))
      .post(`${BILLS}/out-bill-no/W${winId}/cancel`)
      .reply(() => {
        cancels += 1;
        return signedReply({ out_bill_no: `W${winId}`, state: "CANCELING" });
      })
      .get(`${BILLS}/out-bill-no/W${winId}`)
      .reply(() => signedReply(bill(`W${winId}`, "CANCELLED", { fail_reason: "MCH_CANCEL" })));
    // Under 24 h + 1 h nothing is cancelled; past it, once.
    await job(new Date(NOW.getTime() + 3600_000)).perform({ winId });
    assert.equal(cancels, 0);
    await job(late).perform({ winId });
    assert.equal(cancels, 1);
    const cancelled = await cashTransferForWin(winId, late);
    assert.deepEqual([cancelled?.state, cancelled?.stateLabel, cancelled?.failReason], ["cancelled", "已取消", "商户撤销付款"]);
  });

  it("should derive out_bill_no from the win: [0-9A-Za-z], at most 32, stable, new only per attempt", () => {
    for (const winId of ["665f1c2b9d3e4a0012345678", "draw:spring-2026:win/0001", "x".repeat(64)]) {
      for (const attempt of [1, 2, 99]) {
        const no = outBillNoFor(winId, attempt);
        assert.match(no, /^[0-9A-Za-z]{1,32}$/, `${winId} #${attempt}`);
        assert.equal(outBillNoFor(winId, attempt), no, "stable");
      }
      assert.notEqual(outBillNoFor(winId, 1), outBillNoFor(winId, 2));
    }
    assert.notEqual(outBillNoFor("draw:a", 1), outBillNoFor("draw:b", 1));
  });

  it("should refuse bad amounts naming the field, and say when WeChat Pay is not configured", async () => {
    await assert.rejects(payout("w1", 0), /amountFen: 金额必须是正整数/);
    await assert.rejects(payout("w1", 200_000), /amountFen: 单笔现金奖励须低于 2000 元/);
    assert.equal(await CashTransfer.countDocuments({}), 0, "nothing recorded");
    configureWeChatPay(null);
    assert.equal(wechatPayConfigured(), false);
    await assert.rejects(payout("w1"), /未配置微信支付/);
  });

  it("should keep keys, signatures and openids out of the log", async () => {
    const logs = recordLogs();
    try {
      const winId = "665f1c2b9d3e4a001234567f";
      payApi().post(BILLS).delay(1000).reply(() => signedReply(bill(`W${winId}`, "SUCCESS")));
      payApi().get(`${BILLS}/out-bill-no/W${winId}`).replyWithError({ code: "ECONNRESET", message: "socket hang up" });
      await payout(winId);
      payApi().post(BILLS).reply(() => signedReply(bill("W665f1c2b9d3e4a0012345680", "WAIT_USER_CONFIRM", { package_info: "p" })));
      await payout("665f1c2b9d3e4a0012345680");
    } finally {
      logs.stop();
    }
    const text = logs.lines.join("");
    assert.ok(logs.lines.length >= 3, "the calls were logged");
    const keyBody = MERCHANT_PRIVATE_PEM.split("\n")[1] as string;
    for (const [secret, name] of [[keyBody, "private key"], [APIV3_KEY, "APIv3 key"], [OPENID, "openid"], ["WECHATPAY2-SHA256", "authorization header"]] as const) {
      assert.ok(!text.includes(secret), `the log has the ${name}`);
    }
  });
});
