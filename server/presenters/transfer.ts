import type { TransferNames } from "../domain/transferNames.ts";
import type { CustomerTransferAttrs } from "../models/CustomerTransfer.ts";
import type { UnassignedCustomerAttrs } from "../models/UnassignedCustomer.ts";

export const TRANSFER_STATE_LABELS: Record<string, string> = { requested: "提交中", waiting: "等待接替", done: "已接替", refused: "未成功", takeover_full: "接替导购客户已满" };
export const TRANSFER_KIND_LABELS: Record<string, string> = { resigned: "离职继承", onjob: "在职转接" };


/** A departed guide's customer waiting for a takeover guide. */
export interface PresentedUnassigned {
  id: string;
  externalUserId: string;
  customerName: string;
  handoverUserId: string;
  handoverName: string;
  storeId: string | null;
  storeName: string;
  dimissionTime: string | null;
}

/** One customer's (or group's) transfer and its outcome. */
export interface PresentedTransfer {
  id: string;
  kind: string;
  kindLabel: string;
  subject: string;
  targetId: string;
  targetName: string;
  handoverUserId: string;
  handoverName: string;
  takeoverUserId: string;
  takeoverName: string;
  storeName: string;
  state: string;
  stateLabel: string;
  reason: string;
  attempt: number;
  /** Refused or full: may be tried again (the route checks it is the latest). */
  retryable: boolean;
  requestedByName: string;
  requestedAt: string;
  takeoverTime: string | null;
}

/**
 * @param row the stored row.
 * @param names names for the page.
 * @returns the public shape.
 */
export function presentUnassigned(row: UnassignedCustomerAttrs, names: TransferNames): PresentedUnassigned {
  return {
    id: row._id,
    externalUserId: row.externalUserId,
    customerName: names.customer(row.externalUserId),
    handoverUserId: row.handoverUserId,
    handoverName: names.employee(row.handoverUserId),
    storeId: row.storeId ?? null,
    storeName: names.store(row.storeId ?? null),
    dimissionTime: row.dimissionTime?.toISOString() ?? null,
  };
}

/**
 * @param transfer the stored transfer.
 * @param names names for the page.
 * @returns the public shape.
 */
export function presentTransfer(transfer: CustomerTransferAttrs, names: TransferNames): PresentedTransfer {
  const group = transfer.subject === "group";
  return {
    id: transfer._id,
    kind: transfer.kind,
    kindLabel: TRANSFER_KIND_LABELS[transfer.kind] ?? transfer.kind,
    subject: transfer.subject ?? "customer",
    targetId: transfer.targetId,
    targetName: group ? names.group(transfer.targetId) : names.customer(transfer.targetId),
    handoverUserId: transfer.handoverUserId,
    handoverName: names.employee(transfer.handoverUserId),
    takeoverUserId: transfer.takeoverUserId,
    takeoverName: names.employee(transfer.takeoverUserId),
    storeName: names.store(transfer.storeId ?? null),
    state: transfer.state,
    stateLabel: TRANSFER_STATE_LABELS[transfer.state] ?? transfer.state,
    reason: transfer.reason ?? "",
    attempt: transfer.attempt ?? 1,
    retryable: !group && (transfer.state === "refused" || transfer.state === "takeover_full"),
    requestedByName: transfer.requestedBy === "api" ? "接口" : names.employee(transfer.requestedBy ?? ""),
    requestedAt: transfer.requestedAt.toISOString(),
    takeoverTime: transfer.takeoverTime?.toISOString() ?? null,
  };
}
