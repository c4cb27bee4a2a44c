import type { Types } from "mongoose";
import { ConflictError, NotFoundError } from "../errors.ts";
import { Member } from "../models/Member.ts";
import { MemberIdentity } from "../models/MemberIdentity.ts";
import { MemberMerge } from "../models/MemberMerge.ts";
import { Order } from "../models/Order.ts";
import ledgerPoster from "./ledgerPoster.ts";
import memberLinkRefresher from "./memberLinkRefresher.ts";
import { recomputeMetrics } from "./metricsRecomputer.ts";

interface MergeProps {
  fromMemberId: Types.ObjectId;
  intoMemberId: Types.ObjectId;
  reason: string;
  byUserId: string | null;
  now: Date;
}

/**
 * Merge one member into another (a person decided they are the same): identities, orders,
 * growth and points move, and the merge is recorded with what moved so it can be undone.
 *
 * @param props the two members, why, by whom and when.
 * @returns the merge id.
 */
export default async function memberMerger({ fromMemberId, intoMemberId, reason, byUserId, now }: MergeProps): Promise<string> {
  if (fromMemberId.equals(intoMemberId)) {
    throw ConflictError("into: 不能把会员合并到自己");
  }
  const [from, into] = await Promise.all([Member.findById(fromMemberId).lean(), Member.findById(intoMemberId).lean()]);
  if (!from || !into) {
    throw NotFoundError("member");
  }
  if (from.mergedInto || into.mergedInto) {
    throw ConflictError("from: 会员已被合并过，请先撤销原合并");
  }
  const identities = await MemberIdentity.find({ memberId: fromMemberId }, { _id: 1 }).lean();
  const orders = await Order.find({ memberId: fromMemberId }, { _id: 1 }).lean();
  const merge = await MemberMerge.create({
    fromMemberId,
    intoMemberId,
    movedIdentityIds: identities.map((identity) => identity._id),
    movedOrderIds: orders.map((order) => order._id),
    movedGrowth: from.growth,
    movedPoints: from.points,
    reason,
    byUserId,
    at: now,
  });
  await moveMember({ from, into, identityIds: merge.movedIdentityIds, orderIds: merge.movedOrderIds, growth: from.growth, points: from.points, step: `merge:${merge._id}`, now });
  await Member.updateOne({ _id: fromMemberId }, { $set: { mergedInto: intoMemberId } });
  return String(merge._id);
}

/**
 * Undo a merge: what moved goes back.
 *
 * @param props the merge and the clock.
 * @returns nothing.
 */
export async function memberMergeUndoer({ mergeId, now }: { mergeId: Types.ObjectId; now: Date }): Promise<void> {
  const merge = await MemberMerge.findById(mergeId).lean();
  if (!merge) {
    throw NotFoundError("merge");
  }
  if (merge.undoneAt) {
    return;
  }
  const [from, into] = await Promise.all([Member.findById(merge.intoMemberId).lean(), Member.findById(merge.fromMemberId).lean()]);
  if (!from || !into) {
    throw NotFoundError("member");
  }
  await moveMember({
    from,
    into,
    identityIds: merge.movedIdentityIds,
    orderIds: merge.movedOrderIds,
    growth: merge.movedGrowth,
    points: merge.movedPoints,
    step: `unmerge:${merge._id}`,
    now,
  });
  await Member.updateOne({ _id: merge.fromMemberId }, { $set: { mergedInto: null } });
  await MemberMerge.updateOne({ _id: mergeId }, { $set: { undoneAt: now } });
}

interface MoveProps {
  from: { _id: Types.ObjectId; externalUserIds: string[] };
  into: { _id: Types.ObjectId };
  identityIds: string[];
  orderIds: string[];
  growth: number;
  points: number;
  /** Ledger source prefix; makes a retried merge or undo move balances once. */
  step: string;
  now: Date;
}

async function moveMember({ from, into, identityIds, orderIds, growth, points, step, now }: MoveProps): Promise<void> {
  for (const id of identityIds) {
    await MemberIdentity.updateOne({ _id: id }, { $set: { memberId: into._id } });
  }
  for (const id of orderIds) {
    await Order.updateOne({ _id: id }, { $set: { memberId: into._id } });
  }
  const moved = identityIds.filter((id) => id.startsWith("customer:")).map((id) => id.slice("customer:".length));
  if (moved.length > 0) {
    await Member.updateOne({ _id: into._id }, { $addToSet: { externalUserIds: { $each: moved } } });
    await Member.updateOne({ _id: from._id }, { $pull: { externalUserIds: { $in: moved } } });
  }
  for (const [account, amount] of [["growth", growth], ["points", points]] as const) {
    await ledgerPoster({ account, memberId: from._id, delta: -amount, reason: "merge", sourceId: `${step}:out`, now });
    await ledgerPoster({ account, memberId: into._id, delta: amount, reason: "merge", sourceId: `${step}:in`, now });
  }
  await recomputeMetrics(from._id);
  await recomputeMetrics(into._id);
  await memberLinkRefresher(from._id);
  await memberLinkRefresher(into._id);
}
