import assert from "node:assert/strict";
import mongoose from "mongoose";
import { cashTransferForWin, configureWeChatPay, requestCashPayout } from "../../server/commands/cashPayout.ts";
import { PollTransfersJob } from "../../server/jobs/PollTransfersJob.ts";
import { sandboxRouter } from "../../server/sandbox/routes.ts";
import { sandboxOpenid } from "../../server/sandbox/wechatOAuth.ts";
import { standInBill } from "../../server/sandbox/wechatpay/bills.ts";
import { sandboxWeChatPayConfig } from "../../server/sandbox/wechatpay/keys.ts";
import { waitFor } from "../../server/utils/async.ts";
import { WeChatPayClient } from "../../server/wechatpay/client.ts";
import { testWeComClient, useTestServer } from "../support/server.ts";

const agendaJobs = () => mongoose.connection.db!.collection("agenda_jobs");

describe("the sandbox's WeChat Pay stand-in", () => {
  const context = useTestServer({ sandboxRouter: sandboxRouter({ callbackUrl: "http://127.0.0.1" }) });
  let client: WeChatPayClient;
  beforeEach(async () => {
    await agendaJobs().deleteMany({});
    client = new WeChatPayClient(sandboxWeChatPayConfig(context.server.url));
    configureWeChatPay(client);
  });
  after(() => configureWeChatPay(null));

  const confirm = (body: unknown, phone?: string) =>
    fetch(`${context.server.url}/sandbox/wechatpay/confirm`, { method: "POST", headers: { "content-type": "application/json", ...(phone ? { cookie: `sandbox_wechat_user=${phone}` } : {}) }, body: JSON.stringify(body) }).then(async (response) => (await response.json()) as { err_msg: string; message?: string });

  it("should round-trip: create (signed both ways) → 待确认 → the phone confirms → signed notification → 已到账", async () => {
    const winId = "665f1c2b9d3e4a00aaaaaaa1";
    const view = await requestCashPayout({ winId, openid: sandboxOpenid("wmSandboxWinner"), amountFen: 888, remark: "抽奖现金奖励", now: new Date() });
    assert.equal(view.state, "pending_confirm");
    assert.ok(view.packageInfo && view.mchId && view.appId);
    // Another customer holding the phone is refused, as WeChat refuses a different user.
    const wrong = await confirm({ mchId: view.mchId, appId: view.appId, package: view.packageInfo }, "wmSomeoneElse");
    assert.deepEqual(wrong, { err_msg: "requestMerchantTransfer:fail", message: "你的微信号与商家指定的微信号不一致" });
    const ok = await confirm({ mchId: view.mchId, appId: view.appId, package: view.packageInfo }, "wmSandboxWinner");
    assert.deepEqual(ok, { err_msg: "requestMerchantTransfer:ok" });
    assert.ok(await waitFor(async () => (await cashTransferForWin(winId))?.state === "paid", { timeoutMs: 5000 }), "the notification marked it 已到账");
    // A stale package cannot be confirmed twice.
    assert.equal((await confirm({ mchId: view.mchId, appId: view.appId, package: view.packageInfo })).err_msg, "requestMerchantTransfer:fail");
  });

  it("should refuse a request not signed by the merchant key, and cancel an unconfirmed bill for the job", async () => {
    const unsigned = await fetch(`${context.server.url}/sandbox/wechatpay/v3/fund-app/mch-transfer/transfer-bills/out-bill-no/Wnone`);
    assert.equal(unsigned.status, 401);
    assert.equal(((await unsigned.json()) as { code: string }).code, "SIGN_ERROR");
    const winId = "665f1c2b9d3e4a00aaaaaaa2";
    await requestCashPayout({ winId, openid: sandboxOpenid("wmSandboxWinner"), amountFen: 100, remark: "抽奖现金奖励", now: new Date() });
    const late = new Date(Date.now() + 26 * 3600_000);
    await new PollTransfersJob({ wecom: testWeComClient(), now: () => late }).perform({ winId });
    assert.equal(standInBill(`W${winId}`)?.state, "CANCELLED");
    assert.ok(await waitFor(async () => (await cashTransferForWin(winId, late))?.state === "cancelled", { timeoutMs: 5000 }));
  });
});
