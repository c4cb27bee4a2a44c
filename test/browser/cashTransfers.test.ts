import assert from "node:assert/strict";
import { configureWeChatPay, requestCashPayout } from "../../server/commands/cashPayout.ts";
import { Customer } from "../../server/models/Customer.ts";
import { Department } from "../../server/models/Department.ts";
import { Employee } from "../../server/models/Employee.ts";
import { byTest, screenshot, useBrowser } from "../support/browser.ts";
import { BILLS, OPENID, payApi, signedReply, useTestPay } from "../wechatpay/support.ts";

const bill = (outBillNo: string, state: string, extra: Record<string, unknown> = {}) => ({ out_bill_no: outBillNo, transfer_bill_no: "1330000071100999991182020050700019480001", create_time: new Date().toISOString(), state, ...extra });

describe("the console's 现金奖励发放 in a browser", function () {
  this.timeout(120_000);
  const suite = useBrowser();
  beforeEach(async () => {
    await Department.create({ departmentId: 1, name: "某某美妆", parentId: 0 });
    await Employee.create({ userId: "opA", name: "唐运营", departmentIds: [1], mainDepartmentId: 1, role: "operator" });
    await Customer.create([
      { externalUserId: "wmWinnerA", name: "王小美" },
      { externalUserId: "wmWinnerB", name: "李雷" },
    ]);
  });
  after(() => configureWeChatPay(null));

  it("should show each transfer's state and reason, and retry a failed one", async () => {
    useTestPay();
    payApi().post(BILLS).reply(() => signedReply(bill("W665f1c2b9d3e4a00bbbbbbb1", "WAIT_USER_CONFIRM", { package_info: "p" })));
    await requestCashPayout({ winId: "665f1c2b9d3e4a00bbbbbbb1", openid: OPENID, amountFen: 888, remark: "抽奖现金奖励", externalUserId: "wmWinnerA", drawId: "d1", now: new Date() });
    payApi().post(BILLS).reply(400, { code: "PARAM_ERROR", message: "需传入转账场景报备信息,请检查" }).get(`${BILLS}/out-bill-no/W665f1c2b9d3e4a00bbbbbbb2`).reply(404, { code: "NOT_FOUND", message: "记录不存在" });
    await requestCashPayout({ winId: "665f1c2b9d3e4a00bbbbbbb2", openid: OPENID, amountFen: 1000, remark: "抽奖现金奖励", externalUserId: "wmWinnerB", drawId: "d1", now: new Date() });

    const page = await suite.newPage("console", { wecomUserId: "opA" });
    await page.setViewportSize({ width: 1440, height: 800 });
    await page.goto(`${suite.server.url}/console/`);
    await byTest(page, "login-qr").click();
    await byTest(page, "nav-draws").waitFor();
    await page.evaluate('window.location.hash = "#/draws/cash-transfers"');
    await byTest(page, "cash-state").first().waitFor();
    assert.deepEqual(await byTest(page, "cash-state").allTextContents(), ["失败", "待确认"]);
    const text = await byTest(page, "cash-transfers").textContent();
    assert.match(text ?? "", /李雷.*10\.00.*PARAM_ERROR: 需传入转账场景报备信息/);
    assert.match(text ?? "", /王小美.*8\.88/);
    assert.equal(await byTest(page, "cash-not-configured").count(), 0);
    await screenshot(page, "cash-transfers-1440.png");

    payApi().post(BILLS).reply(() => signedReply(bill("W665f1c2b9d3e4a00bbbbbbb2", "WAIT_USER_CONFIRM", { package_info: "p2" })));
    await byTest(page, "cash-retry").click();
    await page.locator(".el-message", { hasText: "已重新发起转账：待确认" }).waitFor();
    await page.locator('[data-test="cash-state"]', { hasText: "失败" }).waitFor({ state: "detached" });
    assert.deepEqual(await byTest(page, "cash-state").allTextContents(), ["待确认", "待确认"]);
    await page.setViewportSize({ width: 400, height: 800 });
    await screenshot(page, "cash-transfers-400.png");

    configureWeChatPay(null);
    await page.reload();
    await byTest(page, "cash-not-configured").waitFor();
    assert.match((await byTest(page, "cash-not-configured").textContent()) ?? "", /未配置微信支付，不能设置现金奖品/);
    suite.assertCleanRun();
  });
});
