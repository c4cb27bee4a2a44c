// The orders sandbox customers place, as each channel's order feed reports them to the product:
// one shape for the till's single purchase (the buy action) and the demo's year of orders.
import crypto from "node:crypto";
import type { OrderInput } from "../commands/orderRecorder.ts";
import { CHINA_OFFSET_MS } from "../domain/chinaTime.ts";

/** The channels sandbox customers buy through. */
export type SandboxChannel = "store" | "miniprogram" | "tmall";

export interface CustomerOrder {
  channel: SandboxChannel;
  orderNo: string;
  /** Fen. */
  amount: number;
  paidAt: Date;
  items: OrderInput["items"];
  /** The store (department id) that sold it. */
  storeId?: string;
  /** The guide credited with it. */
  guideUserId?: string;
}

/**
 * A sandbox customer's order as its channel reports it: Tmall knows the buyer's phone only; the
 * store's till and the mini-program also know the WeChat user and the guide; a walk-in sale
 * (no customer) carries no member at all.
 *
 * @param order what was bought, where and when.
 * @param customer the WeChat user who bought it; null for a walk-in.
 * @returns the order for the product's order commands.
 */
export function customerOrder(order: CustomerOrder, customer: { externalUserId: string; name: string } | null): OrderInput {
  const online = order.channel === "tmall";
  return {
    channel: order.channel,
    orderNo: order.orderNo,
    amount: order.amount,
    paidAt: order.paidAt,
    status: "paid",
    refundedAmount: 0,
    member: customer ? memberClaims(order.channel, customer) : {},
    items: order.items,
    ...(order.storeId ? { storeId: order.storeId } : {}),
    ...(order.guideUserId && !online ? { guideUserId: order.guideUserId } : {}),
  };
}

function memberClaims(channel: SandboxChannel, customer: { externalUserId: string; name: string }): OrderInput["member"] {
  const phone = phoneOf(customer.externalUserId);
  return channel === "tmall" ? { phone, name: customer.name } : { phone, externalUserId: customer.externalUserId, name: customer.name };
}

/**
 * The phone number a sandbox customer gives at the till: made up, but always the same for the
 * same customer, so their orders land on one member.
 *
 * @param externalUserId the customer.
 * @returns a mainland mobile number.
 */
export function phoneOf(externalUserId: string): string {
  const digits = BigInt(`0x${crypto.createHash("sha256").update(`sandbox-phone:${externalUserId}`).digest("hex").slice(0, 15)}`) % 1_000_000_000n;
  const prefixes = ["13", "15", "17", "18", "19"];
  const prefix = prefixes[Number(digits % BigInt(prefixes.length))] ?? "13";
  return `${prefix}${String(digits).padStart(9, "0")}`;
}

/**
 * A till's order number: its local (Beijing) date and time and a random tail.
 *
 * @param at when it was paid.
 * @returns the number.
 */
export function tillOrderNo(at: Date): string {
  const stamp = new Date(at.getTime() + CHINA_OFFSET_MS).toISOString().replace(/\D/g, "").slice(0, 14);
  return `SB${stamp}${crypto.randomInt(0, 1_000_000).toString().padStart(6, "0")}`;
}
