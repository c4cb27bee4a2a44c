import { Follow, type FollowStatus } from "../models/Follow.ts";
import { countCodeFollowEnd } from "./channelCodeStatCounter.ts";
import { closeTasksOnFollowEnd } from "./taskCloser.ts";

interface Props {
  externalUserId: string;
  userId: string;
  /** The new status; null leaves it as it is (a failed transfer keeps the follow). */
  status: FollowStatus | null;
  at: Date;
  /** The employee side was removed by an on-job transfer (Source=DELETE_BY_TRANSFER). */
  byTransfer?: boolean;
  /** Reason WeCom gave for a failed transfer. */
  transferFailReason?: string;
}

/**
 * Record what happened to one customer × employee relationship. The follow is created if we
 * never saw the add, so a deletion is never lost. A deletion of a follow that came through a
 * channel code is counted in the code's statistics.
 *
 * @param props which follow, and what happened to it.
 * @returns nothing.
 */
export default async function followStatusUpdater({
  externalUserId,
  userId,
  status,
  at,
  byTransfer,
  transferFailReason,
}: Props): Promise<void> {
  const set: Record<string, unknown> = {};
  if (status) {
    set.status = status;
    set.statusChangedAt = at;
    set.deletedByTransfer = byTransfer === true;
  }
  if (transferFailReason !== undefined) {
    set.transferFailure = { reason: transferFailReason, at };
  }
  await Follow.updateOne({ externalUserId, userId }, { $set: set }, { upsert: true });
  // A transfer moves the customer to another guide: the code did not lose them.
  if ((status === "deleted_by_customer" || status === "deleted_by_employee") && byTransfer !== true) {
    await countCodeFollowEnd({ externalUserId, userId, by: status === "deleted_by_customer" ? "customer" : "guide", at });
    await closeTasksOnFollowEnd({ externalUserId, userId, by: status === "deleted_by_customer" ? "customer" : "guide", at });
  }
}
