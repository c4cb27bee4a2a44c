import type { CashTransferAttrs } from "../models/CashTransfer.ts";
import { cashTransferView, type CashTransferView } from "../domain/cashTransfer.ts";
import { CASH_TRANSFER_STATE_LABELS } from "./labels.ts";

export type { CashTransferState, CashTransferView } from "../domain/cashTransfer.ts";

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

/**
 * @param transfer the stored payout.
 * @param now the clock: a package past the confirmation window is no longer offered.
 * @returns the view the winner and the console's lists get.
 */
export function presentCashTransfer(transfer: CashTransferAttrs, now: Date): CashTransferView {
  return cashTransferView(transfer, now, CASH_TRANSFER_STATE_LABELS);
}

