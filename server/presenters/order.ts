import type { OrderAttrs } from "../models/Order.ts";

export type OrderStatus = "paid" | "partially_refunded" | "refunded";

export interface PresentedOrderItem {
  sku: string | null;
  name: string | null;
  category: string | null;
  quantity: number | null;
  /** In fen. */
  amount: number | null;
}

export interface PresentedOrder {
  channel: string;
  orderNo: string;
  amountFen: number;
  refundedFen: number;
  status: OrderStatus;
  paidAt: string;
  storeId: string | null;
  items: PresentedOrderItem[];
}

/**
 * An order as the console's member page and the sidebar's recent orders both show it.
 *
 * @param order the stored order.
 * @returns the public shape.
 */
export function presentOrder(order: OrderAttrs): PresentedOrder {
  return {
    channel: order.channel,
    orderNo: order.orderNo,
    amountFen: order.amount,
    refundedFen: order.refundedAmount,
    status: order.status,
    paidAt: order.paidAt.toISOString(),
    storeId: order.storeId ?? null,
    items: order.items.map((item) => ({
      sku: item.sku ?? null,
      name: item.name ?? null,
      category: item.category ?? null,
      quantity: item.quantity ?? null,
      amount: item.amount ?? null,
    })),
  };
}
