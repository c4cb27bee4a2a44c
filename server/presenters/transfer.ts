import type { TransferNames } from "../domain/transferNames.ts";
import { transferRetryable } from "../domain/transferOutcomes.ts";
import type { DepartedGuideAttrs } from "../models/DepartedGuide.ts";
import type { CustomerTransferAttrs } from "../models/CustomerTransfer.ts";
import type { UnassignedCustomerAttrs } from "../models/UnassignedCustomer.ts";
import { TRANSFER_KIND_LABELS, TRANSFER_STATE_LABELS } from "./labels.ts";

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
  /** A transfer is on its way: not to be picked again until it ends. */
  transferring: boolean;
}

/** A departed guide with what is left to hand over. */
export interface PresentedDepartedGuide {
  userId: string;
  name: string;
  storeId: string | null;
  storeName: string;
  customers: number;
  groups: number;
  /** The first few of the groups' names, for the card; `groups` counts them all. */
  groupNames: string[];
  dimissionTime: string | null;
}

/** A card names this many of a departed guide's groups (the dialog lists them all). */
const NAMED_GROUPS = 5;

/**
 * @param guide the stored departed guide.
 * @returns the groups whose names its card shows.
 */
export function namedGroups(guide: DepartedGuideAttrs): string[] {
  return (guide.groupChatIds ?? []).slice(0, NAMED_GROUPS);
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
  /** Not successful for a reason another attempt can change (the retry checks it is the latest). */
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
    transferring: row.transferring ?? false,
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
    retryable: !transfer.supersededAt && transferRetryable(transfer),
    requestedByName: transfer.requestedBy === "api" ? "接口" : names.employee(transfer.requestedBy ?? ""),
    requestedAt: transfer.requestedAt.toISOString(),
    takeoverTime: transfer.takeoverTime?.toISOString() ?? null,
  };
}

/**
 * @param guide the stored departed guide.
 * @param names names for the page.
 * @returns the public shape.
 */
export function presentDepartedGuide(guide: DepartedGuideAttrs, names: TransferNames): PresentedDepartedGuide {
  return {
    userId: guide._id,
    name: names.employee(guide._id),
    storeId: guide.storeId ?? null,
    storeName: names.store(guide.storeId ?? null),
    customers: guide.customers,
    groups: guide.groups,
    groupNames: namedGroups(guide).map((chatId) => names.group(chatId)),
    dimissionTime: guide.dimissionTime?.toISOString() ?? null,
  };
}

/** A takeover guide in the picker. */
export interface PresentedTakeoverGuide {
  userId: string;
  name: string;
  storeId: string | null;
  storeName: string;
}

/** A group a guide still owns, for 转接客户群. */
export interface PresentedOwnedGroup {
  chatId: string;
  name: string;
  customerCount: number;
}
