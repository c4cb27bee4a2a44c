// How the transfer pages colour what the server words (stateLabel comes with every row).
import type { PresentedTransfer } from "@server/presenters/transfer";

export const STATE_TAGS: Record<string, "success" | "warning" | "danger" | "info" | "primary"> = {
  requested: "info",
  waiting: "primary",
  done: "success",
  customer_refused: "warning",
  takeover_full: "warning",
  failed: "danger",
};

/** The customer or group a row moved, with what it is. */
export const targetLabel = (row: PresentedTransfer) => (row.subject === "group" ? `客户群 · ${row.targetName}` : row.targetName);
