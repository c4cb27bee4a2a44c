// The stand-in's transfer bills (wecom-reference §7.2, §9): kept in memory for the life of the
// process (a restart forgets them; the product's query then finds NOT_FOUND and creates the bill
// again under the same out_bill_no, as it would after a real failure), and the signed, encrypted
// MCHTRANSFER.BILL.FINISHED notifications sent when a bill reaches a final state.
import crypto from "node:crypto";
import { getLogger } from "../../logging/logger.ts";
import { encryptResource } from "../../wechatpay/notification.ts";
import { SANDBOX_MCH_ID, SANDBOX_PLATFORM_KEY_ID, sandboxPayKeys } from "./keys.ts";

export interface StandInBill {
  mch_id: string;
  appid: string;
  out_bill_no: string;
  transfer_bill_no: string;
  openid: string;
  transfer_amount: number;
  transfer_remark: string;
  state: "WAIT_USER_CONFIRM" | "SUCCESS" | "FAIL" | "CANCELLED";
  fail_reason?: string;
  package_info: string;
  notify_url: string;
  create_time: string;
  update_time: string;
}

const bills = new Map<string, StandInBill>();
const byPackage = new Map<string, string>();

/** @returns the bills, for tests. */
export const standInBills = (): ReadonlyMap<string, StandInBill> => bills;

/**
 * @param fields the create's fields (validated by the route).
 * @param now the clock.
 * @returns the bill, the existing one when the out_bill_no was used before (idempotent).
 */
export function createStandInBill(fields: Pick<StandInBill, "appid" | "out_bill_no" | "openid" | "transfer_amount" | "transfer_remark" | "notify_url">, now: Date): StandInBill {
  const existing = bills.get(fields.out_bill_no);
  if (existing) {
    return existing;
  }
  const bill: StandInBill = {
    ...fields,
    mch_id: SANDBOX_MCH_ID,
    transfer_bill_no: `1330${now.getTime()}${crypto.randomInt(1e8).toString().padStart(8, "0")}`,
    state: "WAIT_USER_CONFIRM",
    package_info: crypto.randomBytes(48).toString("base64"),
    create_time: now.toISOString(),
    update_time: now.toISOString(),
  };
  bills.set(bill.out_bill_no, bill);
  byPackage.set(bill.package_info, bill.out_bill_no);
  return bill;
}

/**
 * @param outBillNo the merchant's bill number.
 * @returns the bill, or undefined.
 */
export const standInBill = (outBillNo: string) => bills.get(outBillNo);

/**
 * @param packageInfo a package handed to the user.
 * @returns its bill, or undefined.
 */
export const standInBillByPackage = (packageInfo: string) => {
  const outBillNo = byPackage.get(packageInfo);
  return outBillNo ? bills.get(outBillNo) : undefined;
};

/**
 * Move a bill to a final state and notify the merchant (after the answer, as WeChat Pay does).
 *
 * @param bill the bill.
 * @param state the final state.
 * @param now the clock.
 * @param failReason why, for FAIL and CANCELLED.
 */
export function finishStandInBill(bill: StandInBill, state: "SUCCESS" | "FAIL" | "CANCELLED", now: Date, failReason?: string): void {
  bill.state = state;
  bill.update_time = now.toISOString();
  if (failReason) {
    bill.fail_reason = failReason;
  }
  setTimeout(() => void notify(bill), 50);
}

/**
 * The four Wechatpay-* headers over a body, signed with the sandbox platform key.
 *
 * @param body the exact body.
 * @returns the headers.
 */
export function standInSignature(body: string): Record<string, string> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = crypto.randomBytes(16).toString("hex");
  const signature = crypto.sign("RSA-SHA256", Buffer.from(`${timestamp}\n${nonce}\n${body}\n`), sandboxPayKeys().platformPrivate).toString("base64");
  return { "Wechatpay-Timestamp": timestamp, "Wechatpay-Nonce": nonce, "Wechatpay-Signature": signature, "Wechatpay-Serial": SANDBOX_PLATFORM_KEY_ID };
}

async function notify(bill: StandInBill): Promise<void> {
  const plain = JSON.stringify({
    mch_id: bill.mch_id,
    out_bill_no: bill.out_bill_no,
    transfer_bill_no: bill.transfer_bill_no,
    state: bill.state,
    transfer_amount: bill.transfer_amount,
    openid: bill.openid,
    ...(bill.fail_reason ? { fail_reason: bill.fail_reason } : {}),
    create_time: bill.create_time,
    update_time: bill.update_time,
  });
  const body = JSON.stringify({
    id: crypto.randomUUID(),
    create_time: new Date().toISOString(),
    resource_type: "encrypt-resource",
    event_type: "MCHTRANSFER.BILL.FINISHED",
    summary: "商家转账单据终态通知",
    resource: encryptResource(plain, sandboxPayKeys().apiV3Key, "mch_payment"),
  });
  try {
    const response = await fetch(bill.notify_url, { method: "POST", headers: { "Content-Type": "application/json", ...standInSignature(body) }, body, signal: AbortSignal.timeout(5000) });
    getLogger("wechatpay", { component: "sandbox" }).info({ status: response.status, state: bill.state }, "sandbox WeChat Pay notification sent");
  } catch (error) {
    // As WeChat Pay would, the merchant is left to find out by query (its polling job).
    getLogger("wechatpay", { component: "sandbox" }).warn({ err: error }, "sandbox WeChat Pay notification not delivered");
  }
}
