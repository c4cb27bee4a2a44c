import type { CustomerLossAttrs } from "../models/CustomerLoss.ts";

/** A customer who deleted a guide, as the 流失记录 page lists it. */
export interface PresentedLoss {
  id: string;
  externalUserId: string;
  customerName: string;
  userId: string;
  guideName: string;
  storeId: string | null;
  storeName: string;
  /** The channel code (follow state) the customer came through; empty when none. */
  state: string;
  addedAt: string | null;
  deletedAt: string;
  daysSinceAdd: number | null;
  notice: "pending" | "sent" | "skipped" | "failed";
}

/** Names the loss list shows instead of ids. */
export interface LossNames {
  guides: ReadonlyMap<string, string>;
  stores: ReadonlyMap<string, string>;
}

/**
 * @param loss the stored loss.
 * @param names guides' and stores' names.
 * @returns the public shape.
 */
export function presentLoss(loss: CustomerLossAttrs & { _id: string }, names: LossNames): PresentedLoss {
  return {
    id: loss._id,
    externalUserId: loss.externalUserId,
    customerName: loss.customerName,
    userId: loss.userId,
    guideName: names.guides.get(loss.userId) ?? "",
    storeId: loss.storeId ?? null,
    storeName: loss.storeId ? (names.stores.get(loss.storeId) ?? "") : "",
    state: loss.state,
    addedAt: loss.addedAt ? loss.addedAt.toISOString() : null,
    deletedAt: loss.deletedAt.toISOString(),
    daysSinceAdd: loss.daysSinceAdd ?? null,
    notice: loss.notice,
  };
}
