// Cash prizes through WeChat Pay transfer bills (docs/wechatpay.md): the contract the draw and the
// draw page call. One payout per win, keyed by winId; out_bill_no is derived from the win.
import crypto from "node:crypto";
import mongoose from "mongoose";
import { ConflictError, NotConfiguredError, NotFoundError, ValidationError } from "../errors.ts";
import { getLogger } from "../logging/logger.ts";
import { CashBillNo, CashTransfer, type BillState } from "../models/CashTransfer.ts";
import { cashTransferView, type CashTransferView } from "../domain/cashTransfer.ts";
import { CASH_TRANSFER_STATE_LABELS } from "../presenters/labels.ts";
import type { WeChatPayClient } from "../wechatpay/client.ts";
import { audit } from "./drawAuditor.ts";
import { createBill, isSettled, scheduleNext, type StoredTransfer } from "./cashTransferAdvancer.ts";

export type { CashTransferView } from "../domain/cashTransfer.ts";

const presentCashTransfer = (transfer: StoredTransfer, now: Date) => cashTransferView(transfer, now, CASH_TRANSFER_STATE_LABELS);

/** From 2,000 元 WeChat Pay requires the payee's encrypted real name (wecom-reference §7.2), which we do not have. */
export const CASH_MAX_FEN = 200_000 - 1;

let client: WeChatPayClient | null = null;

/**
 * Set the WeChat Pay client at boot (real credentials, or the sandbox's stand-in); null turns cash off.
 *
 * @param configured the client.
 */
export function configureWeChatPay(configured: WeChatPayClient | null): void {
  client = configured;
}

/**
 * @returns the configured client, or null.
 */
export function wechatPayClient(): WeChatPayClient | null {
  return client;
}

/**
 * The draw editor refuses cash prizes without it (未配置微信支付，不能设置现金奖品).
 *
 * @returns whether WeChat Pay is configured.
 */
export function wechatPayConfigured(): boolean {
  return client !== null;
}

/**
 * out_bill_no for one attempt of one win: `[0-9A-Za-z]`, ≤32 (wecom-reference §7.2), stable.
 * A win id that fits is kept readable, so the bill can be found in the merchant console.
 *
 * @param winId the win.
 * @param attempt 1 for the first bill; a new number only once the previous bill is final.
 * @returns the bill number.
 */
export function outBillNoFor(winId: string, attempt: number): string {
  const base = /^[0-9A-Za-z]{1,26}$/.test(winId) ? winId : crypto.createHash("sha256").update(winId).digest("hex").slice(0, 26);
  return attempt === 1 ? `W${base}` : `W${base}R${attempt}`;
}

/** What the draw gives for a cash win. */
export interface CashPayoutProps {
  winId: string;
  /** The winner's openid under WECHATPAY_APPID. */
  openid: string;
  amountFen: number;
  /** transfer_remark shown to the user (≤32 characters). */
  remark: string;
  now: Date;
  /** The draw, for the console's filter. */
  drawId?: string;
  /** The winner's external_userid when they are a known customer (the console shows their name). */
  externalUserId?: string;
  /** 活动名称 reported for scene 1000 (≤32); default the remark. */
  activityName?: string;
  /** 奖励说明 reported for scene 1000 (≤32); default the remark. */
  rewardDescription?: string;
}

/**
 * Start the payout of a cash win. Idempotent by winId: a second call returns the payout as it
 * stands and never opens another bill. Never throws for WeChat Pay being down or refusing: the
 * win stays, the payout shows 处理中 (or 失败 with the reason) and the job carries on.
 *
 * @param props the win and the money.
 * @returns the payout as the winner sees it.
 */
export async function requestCashPayout(props: CashPayoutProps): Promise<CashTransferView> {
  const pay = client;
  if (!pay) {
    throw NotConfiguredError("未配置微信支付，不能发放现金奖品");
  }
  const problems = payoutProblems(props);
  if (problems.length > 0) {
    throw ValidationError(problems[0] as string, problems);
  }
  const outBillNo = outBillNoFor(props.winId, 1);
  const fields = {
    _id: props.winId,
    outBillNo,
    attempt: 1,
    attempts: [{ outBillNo, startedAt: props.now }],
    openid: props.openid,
    appId: pay.config.appId,
    mchId: pay.config.mchId,
    amountFen: props.amountFen,
    remark: props.remark,
    activityName: props.activityName ?? props.remark,
    rewardDescription: props.rewardDescription ?? props.remark,
    local: "absent" as const,
    drawId: props.drawId ?? null,
    externalUserId: props.externalUserId ?? null,
    createdAt: props.now,
    updatedAt: props.now,
  };
  await CashBillNo.updateOne({ _id: outBillNo }, { $setOnInsert: { winId: props.winId } }, { upsert: true });
  try {
    await CashTransfer.create(fields);
  } catch (error) {
    if ((error as { code?: number }).code === 11000) {
      // Already requested: answer what it is; the job moves it on.
      return (await cashTransferForWin(props.winId, props.now)) as CashTransferView;
    }
    throw error;
  }
  await runStep(pay, props.winId, props.now);
  return (await cashTransferForWin(props.winId, props.now)) as CashTransferView;
}

/**
 * @param winId the win.
 * @param now the clock (a package past its window is not offered); default the current time.
 * @returns its payout, or null when it has none.
 */
export async function cashTransferForWin(winId: string, now = new Date()): Promise<CashTransferView | null> {
  const transfer = await CashTransfer.findById(winId).lean<StoredTransfer>();
  return transfer ? presentCashTransfer(transfer, now) : null;
}

/**
 * @param winIds wins, for a list.
 * @param now the clock.
 * @returns the payouts by winId (wins without one are absent).
 */
export async function cashTransfersForWins(winIds: readonly string[], now = new Date()): Promise<Map<string, CashTransferView>> {
  const transfers = winIds.length === 0 ? [] : await CashTransfer.find({ _id: { $in: [...new Set(winIds)] } }).lean<StoredTransfer[]>();
  return new Map(transfers.map((transfer) => [transfer._id, presentCashTransfer(transfer, now)]));
}

/**
 * @param transfer the payout.
 * @returns whether an operator may retry it: the last bill failed or was cancelled, or WeChat Pay refused to create it.
 */
export function isRetryable(transfer: Pick<StoredTransfer, "local" | "billState" | "failReason">): boolean {
  return isSettled(transfer) && transfer.billState !== "SUCCESS";
}

/**
 * An operator's retry of a failed payout. A failed or cancelled bill is final, so a new attempt
 * with a new out_bill_no may start (wecom-reference §9.4); a create WeChat Pay refused left no
 * bill, so the same out_bill_no is tried again. Conditional updates: two retries make one attempt.
 *
 * @param props the win, who asked, and the clock.
 * @returns the payout after the new attempt's create.
 */
export async function retryCashPayout(props: { winId: string; actorId: string; now: Date }): Promise<CashTransferView> {
  const pay = client;
  if (!pay) {
    throw NotConfiguredError("未配置微信支付，不能重试");
  }
  const transfer = await CashTransfer.findById(props.winId).lean<StoredTransfer>();
  if (!transfer) {
    throw NotFoundError("cash transfer");
  }
  if (!isRetryable(transfer)) {
    throw ConflictError("只有失败或已取消的转账可以重试");
  }
  const reset = { local: "absent", billState: null, packageInfo: null, transferBillNo: null, failReason: null, lastError: null, billCreatedAt: null, finishedAt: null, polls: 0, updatedAt: props.now };
  let result;
  if (transfer.local === "bill") {
    const attempt = transfer.attempt + 1;
    const outBillNo = outBillNoFor(transfer._id, attempt);
    await CashBillNo.updateOne({ _id: outBillNo }, { $setOnInsert: { winId: transfer._id } }, { upsert: true });
    const closed = transfer.attempts.map((entry) => (entry.outBillNo === transfer.outBillNo ? { ...entry, endedState: transfer.billState, failReason: transfer.failReason } : entry));
    result = await CashTransfer.updateOne(
      { _id: transfer._id, outBillNo: transfer.outBillNo, billState: { $in: ["FAIL", "CANCELLED"] satisfies BillState[] } },
      {
        // The whole list: closing the last attempt and adding the next are one write (the filter keeps it to one retry).
        $set: { ...reset, outBillNo, attempt, attempts: [...closed, { outBillNo, startedAt: props.now, retriedBy: props.actorId }] },
      },
    );
  } else {
    result = await CashTransfer.updateOne({ _id: transfer._id, outBillNo: transfer.outBillNo, local: "absent", failReason: { $ne: null } }, { $set: { ...reset, [`attempts.${transfer.attempts.length - 1}.retriedBy`]: props.actorId } });
  }
  if (result.modifiedCount === 0) {
    throw ConflictError("该转账已在重试中");
  }
  getLogger("wechatpay").info({ winId: transfer._id, actorId: props.actorId, from: transfer.billState ?? "REFUSED" }, "cash transfer retried");
  if (transfer.drawId && mongoose.isValidObjectId(transfer.drawId)) {
    await audit({ drawId: new mongoose.Types.ObjectId(transfer.drawId), kind: "payout", actor: props.actorId, winId: transfer._id, detail: { action: "retry", amountFen: transfer.amountFen, from: transfer.billState ?? "REFUSED" }, at: props.now });
  }
  await runStep(pay, transfer._id, props.now);
  return (await cashTransferForWin(transfer._id, props.now)) as CashTransferView;
}

/**
 * The create inside a person's request (a draw, a retry) waits at most this long per call; what it
 * leaves unknown is the job's, which queries first.
 */
export const IN_REQUEST_TIMEOUT_MS = 3000;

// The first create runs inside the request; whatever it leaves unsettled is the job's.
async function runStep(pay: WeChatPayClient, winId: string, now: Date): Promise<void> {
  const transfer = await CashTransfer.findById(winId).lean<StoredTransfer>();
  if (transfer?.local === "absent") {
    try {
      await createBill(pay, transfer, now, { timeoutMs: IN_REQUEST_TIMEOUT_MS });
    } catch (error) {
      // Never the win's problem: the job queries and carries on.
      getLogger("wechatpay").error({ winId, err: error }, "cash transfer create failed");
    }
  }
  await scheduleNext(winId, now);
}

function payoutProblems(props: CashPayoutProps): string[] {
  const problems: string[] = [];
  if (!Number.isInteger(props.amountFen) || props.amountFen < 1) {
    problems.push("amountFen: 金额必须是正整数（分）");
  } else if (props.amountFen > CASH_MAX_FEN) {
    problems.push("amountFen: 单笔现金奖励须低于 2000 元");
  }
  if (props.openid.trim() === "") {
    problems.push("openid: 缺少领奖人的 openid");
  }
  for (const [field, value] of [["remark", props.remark], ["activityName", props.activityName], ["rewardDescription", props.rewardDescription]] as const) {
    if (value !== undefined && (value.trim() === "" || [...value].length > 32)) {
      problems.push(`${field}: 须为 1–32 个字`);
    }
  }
  return problems;
}

