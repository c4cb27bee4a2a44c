// A payout's state as people see it, from WeChat Pay's bill state: pure rules shared by the
// payout commands, the console's presenter and the draw page (through both).

/** WeChat Pay's transfer-bill states (wecom-reference §7.2). */
export const BILL_STATES = ["ACCEPTED", "PROCESSING", "WAIT_USER_CONFIRM", "TRANSFERING", "SUCCESS", "FAIL", "CANCELING", "CANCELLED"] as const;
export type BillState = (typeof BILL_STATES)[number];

/** Bill states after which WeChat Pay never changes the bill again. */
export const FINAL_BILL_STATES: readonly BillState[] = ["SUCCESS", "FAIL", "CANCELLED"];

/** A payout's state: WeChat Pay's bill state folded into what a person acts on (names: presenters/labels.ts). */
export type CashTransferState = "pending_confirm" | "transferring" | "paid" | "failed" | "cancelled" | "processing";

/** Bills a user does not confirm are closed by WeChat Pay after about 24 h (wecom-reference §9.4). */
export const CONFIRM_WINDOW_MS = 24 * 60 * 60 * 1000;

/** A cash win's payout, for the draw page (confirmation) and the console's lists. */
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

/** The stored fields the view is made from (models/CashTransfer.ts). */
export interface CashTransferFields {
  _id: string;
  local: string;
  billState?: string | null;
  failReason?: string | null;
  packageInfo?: string | null;
  mchId: string;
  appId: string;
  billCreatedAt?: Date | null;
}

/**
 * @param transfer the stored payout.
 * @param now the clock: a package past the confirmation window is no longer offered.
 * @param labels the state names (CASH_TRANSFER_STATE_LABELS of presenters/labels.ts).
 * @returns the view.
 */
export function cashTransferView(transfer: CashTransferFields, now: Date, labels: Readonly<Record<CashTransferState, string>>): CashTransferView {
  const state: CashTransferState = transfer.local === "bill" ? viewStateOf(transfer.billState as BillState | null) : transfer.failReason ? "failed" : "processing";
  const view: CashTransferView = { winId: transfer._id, state, stateLabel: labels[state] };
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
