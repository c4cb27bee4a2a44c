import type { Types } from "mongoose";
import { KEPT_PURCHASE_TIMES, KEPT_RECENT_ORDERS } from "../domain/metrics.ts";
import { Member } from "../models/Member.ts";
import { Order } from "../models/Order.ts";

/**
 * Rebuild a member's purchase metrics from its orders (after a merge, or to reconcile).
 *
 * @param memberId the member.
 * @returns nothing.
 */
export async function recomputeMetrics(memberId: Types.ObjectId): Promise<void> {
  const orders = await Order.find({ memberId }, { amount: 1, refundedAmount: 1, paidAt: 1 }).lean();
  const byTime = [...orders].sort((a, b) => a.paidAt.getTime() - b.paidAt.getTime() || String(a._id).localeCompare(String(b._id)));
  const times = orders.map((order) => order.paidAt).sort((a, b) => a.getTime() - b.getTime());
  await Member.updateOne(
    { _id: memberId },
    {
      $set: {
        "metrics.totalSpent": orders.reduce((sum, order) => sum + order.amount - order.refundedAmount, 0),
        "metrics.orderCount": orders.length,
        "metrics.lastPurchaseAt": times.at(-1) ?? null,
        "metrics.purchaseTimes": times.slice(-KEPT_PURCHASE_TIMES),
        "metrics.recentOrders": byTime.slice(-KEPT_RECENT_ORDERS).map((order) => ({ orderId: String(order._id), paidAt: order.paidAt })),
        ...(times[0] ? { "metrics.firstPurchaseAt": times[0] } : {}),
      },
      // Absent rather than null, so the next order's $min sets it on real MongoDB too.
      ...(times[0] ? {} : { $unset: { "metrics.firstPurchaseAt": "" } }),
    },
  );
}
