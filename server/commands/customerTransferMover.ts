import { CustomerTransfer } from "../models/CustomerTransfer.ts";
import { UnassignedCustomer } from "../models/UnassignedCustomer.ts";
import followStatusUpdater from "./followStatusUpdater.ts";
import memberLinkRefresher, { memberIdOfCustomer } from "./memberLinkRefresher.ts";
import type { TransferPair } from "./customerTransferSender.ts";

/**
 * After WeCom says a transfer is done: the handover guide's follow ends as transferred, the
 * takeover guide's is active, the member's guide link is recomputed from the follows, and the
 * customer leaves the unassigned list. Each step converges when repeated, and movedAt is set
 * last, so a crash in between is finished by the next sync.
 *
 * @param props the pair and the clock.
 * @returns how many customers were moved.
 */
export default async function customerTransferMover({ pair, now }: { pair: TransferPair; now: Date }): Promise<number> {
  const done = await CustomerTransfer.find({ ...pair, subject: "customer", state: "done", movedAt: null }, { targetId: 1, takeoverTime: 1 }).lean();
  for (const transfer of done) {
    const at = transfer.takeoverTime ?? now;
    await followStatusUpdater({ externalUserId: transfer.targetId, userId: pair.handoverUserId, status: "transferred", at, byTransfer: true });
    await followStatusUpdater({ externalUserId: transfer.targetId, userId: pair.takeoverUserId, status: "active", at });
    const memberId = await memberIdOfCustomer(transfer.targetId);
    if (memberId) {
      await memberLinkRefresher(memberId);
    }
    await UnassignedCustomer.deleteOne({ _id: `${pair.handoverUserId}:${transfer.targetId}` });
    await CustomerTransfer.updateOne({ _id: transfer._id }, { $set: { movedAt: now } });
  }
  return done.length;
}
