import type { MembershipKpis } from "../domain/kpis.ts";
import type { Program } from "../domain/program.ts";
import { BenefitClaim } from "../models/BenefitClaim.ts";
import { Member } from "../models/Member.ts";
import { NonMemberOrder } from "../models/NonMemberOrder.ts";
import { Order } from "../models/Order.ts";

const DAY = 86_400_000;

const ratio = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 10_000) / 10_000 : null);

/**
 * Compute the membership KPIs for [from, to). Each figure is one aggregation over its
 * collection, so the cost is a few scans whatever the number of members.
 *
 * @param props period, repurchase window (defaults to the program's) and program.
 * @returns the KPIs.
 */
export default async function kpiCalculator(props: { from: Date; to: Date; windowDays?: number; program: Program; storeIds?: string[] | null }): Promise<MembershipKpis> {
  const { from, to, program } = props;
  const windowDays = props.windowDays ?? program.repurchaseWindowDays;
  const storeIds = props.storeIds ?? null;
  // A store's figures: sales rung up in its stores, members whose home store it is.
  const sales = storeIds ? { storeId: { $in: storeIds } } : {};
  const members = storeIds ? { homeStoreId: { $in: storeIds } } : {};
  const claimsOf = storeIds ? { memberId: { $in: (await Member.find({ ...members, mergedInto: null }, { _id: 1 }).lean()).map((member) => member._id) } } : {};
  const paidIn = { paidAt: { $gte: from, $lt: to }, ...sales };
  const [memberSales] = await Order.aggregate<{ orders: number; gmv: number }>([
    { $match: paidIn },
    { $group: { _id: null, orders: { $sum: 1 }, gmv: { $sum: { $subtract: ["$amount", "$refundedAmount"] } } } },
  ]);
  const [otherSales] = await NonMemberOrder.aggregate<{ orders: number; gmv: number }>([
    { $match: paidIn },
    { $group: { _id: null, orders: { $sum: 1 }, gmv: { $sum: "$amount" } } },
  ]);
  const memberOrders = memberSales?.orders ?? 0;
  const memberGmv = memberSales?.gmv ?? 0;
  const allOrders = memberOrders + (otherSales?.orders ?? 0);
  const allGmv = memberGmv + (otherSales?.gmv ?? 0);

  const newMembers = await Member.aggregate<{ _id: string; count: number }>([
    { $match: { joinedAt: { $gte: from, $lt: to }, mergedInto: null, ...members } },
    { $group: { _id: "$sourceChannel", count: { $sum: 1 } } },
  ]);

  const [repurchase] = await Order.aggregate<{ buyers: number; repeatBuyers: number }>([
    { $match: { paidAt: { $gte: new Date(to.getTime() - windowDays * DAY), $lt: to }, ...sales } },
    { $group: { _id: "$memberId", orders: { $sum: 1 } } },
    { $group: { _id: null, buyers: { $sum: 1 }, repeatBuyers: { $sum: { $cond: [{ $gte: ["$orders", 2] }, 1, 0] } } } },
  ]);

  const membersAtEnd = await Member.countDocuments({ joinedAt: { $lt: to }, mergedInto: null, ...members });
  const upgraded = await Member.aggregate<{ count: number }>([
    { $match: { mergedInto: null, ...members } },
    { $unwind: "$levelChanges" },
    { $match: { "levelChanges.reason": "upgrade", "levelChanges.at": { $gte: from, $lt: to } } },
    { $group: { _id: "$_id" } },
    { $count: "count" },
  ]);

  const benefitLevels = [...new Set(program.benefits.flatMap((benefit) => benefit.levels))];
  const eligibleMembers = await Member.countDocuments({ levelCode: { $in: benefitLevels }, mergedInto: null, ...members });
  const [claims] = await BenefitClaim.aggregate<{ claims: number; redeemed: number; members: string[] }>([
    { $match: { claimedAt: { $gte: from, $lt: to }, ...claimsOf } },
    {
      $group: {
        _id: null,
        claims: { $sum: 1 },
        redeemed: { $sum: { $cond: [{ $eq: ["$status", "redeemed"] }, 1, 0] } },
        members: { $addToSet: "$memberId" },
      },
    },
  ]);
  const upgradedCount = upgraded[0]?.count ?? 0;
  return {
    period: { from, to },
    storeIds,
    memberShare: {
      orders: ratio(memberOrders, allOrders),
      gmv: ratio(memberGmv, allGmv),
      memberOrders,
      allOrders,
      memberGmvFen: memberGmv,
      allGmvFen: allGmv,
    },
    newMembersByChannel: newMembers.map((group) => ({ channel: group._id || "unknown", count: group.count })).sort((a, b) => b.count - a.count),
    repurchase: { windowDays, buyers: repurchase?.buyers ?? 0, repeatBuyers: repurchase?.repeatBuyers ?? 0, rate: ratio(repurchase?.repeatBuyers ?? 0, repurchase?.buyers ?? 0) },
    upgrade: { members: membersAtEnd, upgraded: upgradedCount, rate: ratio(upgradedCount, membersAtEnd) },
    benefits: {
      claims: claims?.claims ?? 0,
      redeemed: claims?.redeemed ?? 0,
      claimingMembers: claims?.members.length ?? 0,
      eligibleMembers,
      claimRate: ratio(claims?.members.length ?? 0, eligibleMembers),
      redemptionRate: ratio(claims?.redeemed ?? 0, claims?.claims ?? 0),
    },
  };
}
