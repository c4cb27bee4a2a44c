import type { BillState, CashTransferAttrs } from "../models/CashTransfer.ts";
import { CASH_TRANSFER_STATE_LABELS } from "./labels.ts";

/** A payout's state: WeChat Pay's bill state folded into what a person acts on. */
export type CashTransferState = keyof typeof CASH_TRANSFER_STATE_LABELS;

/** Bills a user does not confirm are closed by WeChat Pay after about 24 h (wecom-reference §9.4). */
export const CONFIRM_WINDOW_MS = 24 * 60 * 60 * 1000;

/** A cash win's payout, for the draw page (confirmation) and D-core's lists. */
export interface CashTransferView {
  winId: string;
  state: CashTransferState;
  /** 待确认 转账中 已到账 失败 已取消 处理中. */
  stateLabel: string;
  /** WeChat Pay's reason for a failed or cancelled bill (e.g. OVERDUE_CLOSE), in Chinese where known. */
  failReason?: string;
  /** Only while the user can still confirm: handed to requestMerchantTransfer with mchId and appId. */
  packageInfo?: string;
  mchId?: string;
  appId?: string;
  /** Until when the user can confirm (ISO), while pending_confirm. */
  confirmBefore?: string;
}

/** A payout row in the console. */
export interface CashTransferRow extends CashTransferView {
  amountFen: number;
  /** The amount in 元, two decimals ("8.88"). */
  amountYuan: string;
  drawId: string | null;
  customerName: string | null;
  outBillNo: string;
  attempt: number;
  /** Whether the operator may open a new attempt (the last bill is final and unpaid). */
  retryable: boolean;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
}

// WeChat Pay's fail_reason codes we can put in words (wecom-reference §9.4); others are shown as given.
const FAIL_REASONS: Record<string, string> = {
  OVERDUE_CLOSE: "超过系统重试期，系统自动关闭（用户未在 24 小时内确认收款）",
  MCH_CANCEL: "商户撤销付款",
};

/**
 * @param billState WeChat Pay's state, or null when no bill is known.
 * @returns the state a person sees.
 */
export function viewStateOf(billState: BillState | null | undefined): CashTransferState {
  switch (billState) {
    case "WAIT_USER_CONFIRM":
      return "pending_confirm";
    case "PROCESSING":
    case "TRANSFERING":
      return "transferring";
    case "SUCCESS":
      return "paid";
    case "FAIL":
      return "failed";
    case "CANCELLED":
      return "cancelled";
    default:
      // Creating, unknown, ACCEPTED or CANCELING: not final, nothing for the user to do.
      return "processing";
  }
}

/**
 * @param reason fail_reason as WeChat Pay gives it.
 * @returns the reason in Chinese where we know the code.
 */
export function failReasonText(reason: string): string {
  return FAIL_REASONS[reason] ?? reason;
}

type Stored = Pick<CashTransferAttrs, "_id" | "billState" | "failReason" | "packageInfo" | "mchId" | "appId" | "billCreatedAt" | "local">;

/**
 * @param transfer the stored payout.
 * @param now the clock: a package past the confirmation window is no longer offered.
 * @returns the view.
 */
export function presentCashTransfer(transfer: Stored, now: Date): CashTransferView {
  const state = transfer.local === "bill" ? viewStateOf(transfer.billState as BillState | null) : transfer.failReason ? "failed" : "processing";
  const view: CashTransferView = { winId: transfer._id, state, stateLabel: CASH_TRANSFER_STATE_LABELS[state] };
  if ((state === "failed" || state === "cancelled") && transfer.failReason) {
    view.failReason = failReasonText(transfer.failReason);
  }
  if (state === "pending_confirm" && transfer.packageInfo) {
    const confirmBefore = new Date((transfer.billCreatedAt ?? now).getTime() + CONFIRM_WINDOW_MS);
    if (confirmBefore > now) {
      view.packageInfo = transfer.packageInfo;
      view.mchId = transfer.mchId;
      view.appId = transfer.appId;
      view.confirmBefore = confirmBefore.toISOString();
    }
  }
  return view;
}
