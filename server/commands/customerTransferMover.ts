import { CustomerTransfer } from "../models/CustomerTransfer.ts";
import { DepartedGuide } from "../models/DepartedGuide.ts";
import { UnassignedCustomer } from "../models/UnassignedCustomer.ts";
import { guidePlaces } from "./campaignCompletion.ts";
import followStatusUpdater from "./followStatusUpdater.ts";
import memberLinkRefresher, { memberIdOfCustomer } from "./memberLinkRefresher.ts";
import taskTransferer from "./taskTransferer.ts";
import type { TransferPair } from "./customerTransferSender.ts";

/**
 * Mark departed guides' customers as being transferred (the list shows them so, not pickable) or
 * back to waiting after a transfer that did not succeed. On-job transfers have no such row.
 *
 * @param pair the kind and the handover guide.
 * @param externalUserIds the customers.
 * @param transferring the mark.
 */
export async function markUnassigned(pair: Pick<TransferPair, "kind" | "handoverUserId">, externalUserIds: string[], transferring: boolean): Promise<void> {
  if (pair.kind !== "resigned" || externalUserIds.length === 0) {
    return;
  }
  await UnassignedCustomer.updateMany({ _id: { $in: externalUserIds.map((id) => `${pair.handoverUserId}:${id}`) } }, { $set: { transferring } });
}

/**
 * After WeCom says a transfer is done: the handover guide's follow ends as transferred, the
 * takeover guide's is active, the customer's open tasks go to the takeover guide (same ids, so
 * nothing is created twice), the member's guide link is recomputed from the follows, and the
 * customer leaves the unassigned list. Each step converges when repeated, and movedAt is set
 * last, so a crash in between is finished by the next sync.
 *
 * @param props the pair and the clock.
 * @returns how many customers were moved.
 */
export default async function customerTransferMover({ pair, now }: { pair: TransferPair; now: Date }): Promise<number> {
  const done = await CustomerTransfer.find({ ...pair, subject: "customer", state: "done", movedAt: null }, { targetId: 1, takeoverTime: 1 }).lean();
  if (done.length === 0) {
    return 0;
  }
  const place = (await guidePlaces([pair.takeoverUserId])).get(pair.takeoverUserId);
  for (const transfer of done) {
    const at = transfer.takeoverTime ?? now;
    await followStatusUpdater({ externalUserId: transfer.targetId, userId: pair.handoverUserId, status: "transferred", at, byTransfer: true });
    await followStatusUpdater({ externalUserId: transfer.targetId, userId: pair.takeoverUserId, status: "active", at });
    await taskTransferer({ externalUserId: transfer.targetId, from: pair.handoverUserId, to: pair.takeoverUserId, place: { storeId: place?.storeId ?? null, regionId: place?.regionId ?? null } });
    const memberId = await memberIdOfCustomer(transfer.targetId);
    if (memberId) {
      await memberLinkRefresher(memberId);
    }
    const { deletedCount } = await UnassignedCustomer.deleteOne({ _id: `${pair.handoverUserId}:${transfer.targetId}` });
    if (deletedCount > 0) {
      await DepartedGuide.updateOne({ _id: pair.handoverUserId, customers: { $gt: 0 } }, { $inc: { customers: -1 } });
    }
    await CustomerTransfer.updateOne({ _id: transfer._id }, { $set: { movedAt: now } });
  }
  return done.length;
}
