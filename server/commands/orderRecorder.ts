import type { Types } from "mongoose";
import { KEPT_PURCHASE_TIMES, KEPT_RECENT_ORDERS } from "../domain/metrics.ts";
import { addMonths, growthForAmount, pointsForAmount, type Program } from "../domain/program.ts";
import { UnprocessableError } from "../errors.ts";
import { Member } from "../models/Member.ts";
import { NonMemberOrder } from "../models/NonMemberOrder.ts";
import { Order, type OrderAttrs } from "../models/Order.ts";
import ledgerPoster from "./ledgerPoster.ts";
import { upgradeIfEarned } from "./levelEvaluator.ts";
import memberMatcher, { type IdentityClaims } from "./memberMatcher.ts";
import { pointsClawback } from "./pointsSpender.ts";
import { closeTasksOnPurchase } from "./taskCloser.ts";
import { levelUpTask } from "./taskEvents.ts";
import { isDuplicateKeyError } from "../db/duplicates.ts";

/** An order as a channel reports it (validated at the edge). Money in fen. */
export interface OrderInput {
  channel: string;
  orderNo: string;
  /** Paid amount; a negative amount is a refund record for `refundOf`. */
  amount: number;
  paidAt: Date;
  status: "paid" | "partially_refunded" | "refunded";
  refundedAmount: number;
  /** For a refund record: the order it refunds. */
  refundOf?: string;
  member: IdentityClaims & { name?: string };
  items: { sku?: string; name?: string; category?: string; quantity?: number; amount?: number }[];
  storeId?: string;
  guideUserId?: string;
}

export type OrderOutcome =
  | { result: "created" | "duplicate" | "refunded"; orderId: string; memberId: string; memberNo: string }
  | { result: "rejected"; orderId: string; reason: string };

type StoredOrder = OrderAttrs & { _id: string };

/** Why an order without a phone or unionid, for nobody known, is not a member's order. */
export const UNKNOWN_MEMBER = "member: 未知会员，订单需携带手机号或 unionid";

/**
 * @param input an order.
 * @returns its id: channel and order number, unique together.
 */
export function orderIdOf(input: Pick<OrderInput, "channel" | "orderNo">): string {
  return `${input.channel}:${input.orderNo}`;
}

/**
 * Record one order idempotently (channel + order number): match or create its member, credit
 * growth and points through the ledger, keep metrics current, and upgrade the level when earned.
 * Replaying an order changes nothing; a higher refunded amount or a refund record takes back
 * growth and points for the refunded part.
 *
 * @param input the order.
 * @param program the program in force.
 * @param now the clock.
 * @returns what happened.
 */
export default async function orderRecorder(input: OrderInput, program: Program, now: Date): Promise<OrderOutcome> {
  if (input.amount < 0) {
    return recordRefund(input, program, now);
  }
  const orderId = orderIdOf(input);
  let order = (await Order.findById(orderId).lean()) as StoredOrder | null;
  let created = false;
  if (!order) {
    const claims = input.member;
    const { member } = await memberMatcher({
      claims,
      name: claims.name,
      sourceChannel: input.channel,
      homeStoreId: input.storeId ?? null,
      via: "order",
      create: Boolean(claims.phone || claims.unionid),
      program,
      now,
    });
    if (!member) {
      await NonMemberOrder.updateOne(
        { _id: orderId },
        { $setOnInsert: { channel: input.channel, amount: input.amount, paidAt: input.paidAt, storeId: input.storeId ?? null } },
        { upsert: true },
      );
      return { result: "rejected", orderId, reason: UNKNOWN_MEMBER };
    }
    try {
      const doc = await Order.create({
        _id: orderId,
        channel: input.channel,
        orderNo: input.orderNo,
        memberId: member._id,
        amount: input.amount,
        status: "paid",
        paidAt: input.paidAt,
        items: input.items,
        storeId: input.storeId ?? null,
        guideUserId: input.guideUserId ?? null,
      });
      order = doc.toObject() as StoredOrder;
      created = true;
    } catch (error) {
      if (!isDuplicateKeyError(error)) {
        throw error;
      }
      order = (await Order.findById(orderId).lean()) as StoredOrder;
    }
  }
  // Also on replays: a process that died after storing the order credits it now, once.
  await creditOrder(order, program, now);
  const refundTarget = input.status === "refunded" ? order.amount : Math.min(order.amount, input.refundedAmount);
  const refunded = refundTarget > order.refundedAmount && (await applyRefund(order, refundTarget, `refund:${orderId}:${refundTarget}`, program, now));
  const memberNo = (await Member.findById(order.memberId, { memberNo: 1 }).lean())?.memberNo ?? "";
  return { result: created ? "created" : refunded ? "refunded" : "duplicate", orderId, memberId: String(order.memberId), memberNo };
}

async function creditOrder(order: StoredOrder, program: Program, now: Date): Promise<void> {
  const growthApplied = await ledgerPoster({
    account: "growth",
    memberId: order.memberId,
    delta: growthForAmount(program, order.amount),
    reason: "order",
    sourceId: `order:${order._id}`,
    now,
  });
  // The growth entry is the gate: metrics move exactly once per order.
  if (growthApplied) {
    await addPurchase(order.memberId, String(order._id), order.amount, order.paidAt);
  }
  await ledgerPoster({
    account: "points",
    memberId: order.memberId,
    delta: pointsForAmount(program, order.amount),
    reason: "order",
    sourceId: `order:${order._id}`,
    now,
    expiresAt: program.points.expiryMonths > 0 ? addMonths(order.paidAt, program.points.expiryMonths) : null,
  });
  await upgradeIfEarned(order.memberId, program, now);
  // Also on replays, so a process that died after the upgrade or the purchase still settles its tasks.
  await levelUpTask({ memberId: String(order.memberId), now });
  if (order.amount > 0) {
    await closeTasksOnPurchase({ memberId: String(order.memberId), paidAt: order.paidAt, at: now });
  }
}

async function addPurchase(memberId: Types.ObjectId, orderId: string, amount: number, paidAt: Date): Promise<void> {
  await Member.updateOne(
    { _id: memberId },
    {
      $inc: { "metrics.totalSpent": amount, "metrics.orderCount": 1 },
      $min: { "metrics.firstPurchaseAt": paidAt },
      $max: { "metrics.lastPurchaseAt": paidAt },
      $push: {
        "metrics.purchaseTimes": { $each: [paidAt], $sort: 1, $slice: -KEPT_PURCHASE_TIMES },
        "metrics.recentOrders": { $each: [{ orderId, paidAt }], $sort: { paidAt: 1 }, $slice: -KEPT_RECENT_ORDERS },
      },
    },
  );
}

/**
 * Refund up to `refundedTotal`. The ledger entry under `sourceId` is the gate: a replay changes
 * nothing. The order's refunded amount only ever rises ($max), so an absolute total from a status
 * change is safe to write again.
 */
async function applyRefund(order: StoredOrder, refundedTotal: number, sourceId: string, program: Program, now: Date): Promise<boolean> {
  const refundDelta = refundedTotal - order.refundedAmount;
  const applied = await ledgerPoster({
    account: "growth",
    memberId: order.memberId,
    delta: -growthForAmount(program, refundDelta),
    reason: "refund",
    sourceId,
    now,
  });
  if (!applied) {
    return false;
  }
  await Order.updateOne(
    { _id: order._id },
    { $max: { refundedAmount: refundedTotal }, $set: { status: refundedTotal >= order.amount ? "refunded" : "partially_refunded" } },
  );
  await Member.updateOne({ _id: order.memberId }, { $inc: { "metrics.totalSpent": -refundDelta } });
  await pointsClawback({ memberId: order.memberId, due: pointsForAmount(program, refundDelta), sourceId, now });
  return true;
}

async function recordRefund(input: OrderInput, program: Program, now: Date): Promise<OrderOutcome> {
  const orderId = orderIdOf(input);
  if (!input.refundOf) {
    throw UnprocessableError("refund_without_order", "refundOf: 退款记录需指明原订单号");
  }
  const original = (await Order.findById(`${input.channel}:${input.refundOf}`).lean()) as StoredOrder | null;
  if (!original) {
    return { result: "rejected", orderId, reason: "refundOf: 原订单不存在" };
  }
  const target = Math.min(original.amount, original.refundedAmount + -input.amount);
  // The refund record's own number is the source id, so replaying it refunds once.
  const refunded = await applyRefund(original, target, `refund:${orderId}`, program, now);
  const memberNo = (await Member.findById(original.memberId, { memberNo: 1 }).lean())?.memberNo ?? "";
  return { result: refunded ? "refunded" : "duplicate", orderId, memberId: String(original.memberId), memberNo };
}
