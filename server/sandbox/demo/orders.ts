// The demo's year of orders: each buyer's planned from its own seeded source and numbered from its
// id (so a rerun plans the same orders and the product finds them already stored), walk-in sales
// without a member, imported through the product's batch order command in two-week batches, each
// at its own time, so members join, earn and upgrade when their orders happened.
import crypto from "node:crypto";
import orderBatchImporter from "../../commands/orderBatchImporter.ts";
import type { OrderInput } from "../../commands/orderRecorder.ts";
import { currentProgram } from "../../commands/programStore.ts";
import { pick, pickWeighted, seededRandom, type Random } from "../../utils/random.ts";
import { DAY_MS } from "../actions/context.ts";
import { BRAND, PRODUCTS, STORES, type ProductSeed } from "../demoData.ts";
import { customerOrder } from "../orders.ts";
import type { CustomerPlan } from "./customers.ts";

const YEAR_MS = 365 * DAY_MS;
const BUYER_SHARE = 0.7;
const WALK_IN_SHARE = 0.15;
/** How much a buyer spends per visit, relative to the average basket. */
const SPENDERS = [[0.6, 30], [1, 50], [2.2, 15], [4, 5]] as const;
const CHANNELS = [["store", 75], ["miniprogram", 15], ["tmall", 10]] as const;
const BATCH_MS = 14 * DAY_MS;
const BATCH_MAX = 2000;

/** What the product made of the imported orders. */
export interface OrderCounts {
  created: number;
  duplicate: number;
  rejected: number;
  refunded: number;
}

/**
 * Plan the year's orders and import them, oldest first.
 *
 * @param customers every customer, oldest first.
 * @param target orders over the year, members' and walk-ins'.
 * @param now the clock (the last batch is imported at it).
 * @param on told the planned count, then after each batch.
 * @returns what the product made of them.
 */
export async function importOrders(
  customers: CustomerPlan[],
  target: number,
  now: Date,
  on: { planned: (count: number) => void; imported: (count: number) => void },
): Promise<OrderCounts> {
  const outcome: OrderCounts = { created: 0, duplicate: 0, rejected: 0, refunded: 0 };
  if (target === 0 || customers.length === 0) {
    on.planned(0);
    return outcome;
  }
  const orders = planOrders(customers, target, now);
  on.planned(orders.length);
  const { program } = await currentProgram();
  for (const batch of batchesOf(orders)) {
    const batchNow = new Date(Math.min(now.getTime(), (batch.at(-1) as OrderInput).paidAt.getTime() + 60_000));
    for (const result of await orderBatchImporter(batch, program, batchNow)) {
      outcome[result.result] += 1;
    }
    on.imported(batch.length);
  }
  return outcome;
}

function planOrders(customers: CustomerPlan[], target: number, now: Date): OrderInput[] {
  const buyers = customers.filter((customer) => seededRandom(`buyer:${customer.externalUserId}`)() < BUYER_SHARE);
  const memberOrders = Math.round(target * (1 - WALK_IN_SHARE));
  const meanExtra = Math.max(0, memberOrders / Math.max(1, buyers.length) - 1);
  const orders = buyers.flatMap((buyer) => buyerOrders(buyer, meanExtra, now));
  const random = seededRandom("walk-ins");
  for (let index = 0; orders.length < target; index += 1) {
    const { items, amount } = basket(random, 1);
    const paidAt = new Date(now.getTime() - 60_000 - random() * YEAR_MS);
    orders.push(customerOrder({ channel: "store", orderNo: `W${String(index + 1).padStart(6, "0")}`, amount, paidAt, items, storeId: String(pick(random, STORES).id) }, null));
  }
  return orders.sort((a, b) => a.paidAt.getTime() - b.paidAt.getTime());
}

/** One buyer's orders between its add and now; customers of the last two weeks buy once at most. */
function buyerOrders(buyer: CustomerPlan, meanExtra: number, now: Date): OrderInput[] {
  const random = seededRandom(`orders:${buyer.externalUserId}`);
  const spender = pickWeighted(random, SPENDERS);
  const from = buyer.at.getTime() + 60_000;
  const span = Math.max(0, now.getTime() - 60_000 - from);
  const extra = Math.round(-Math.log(1 - random()) * meanExtra);
  const count = 1 + (span < 14 * DAY_MS ? 0 : extra);
  const tag = crypto.createHash("sha1").update(buyer.externalUserId).digest("hex").slice(0, 10).toUpperCase();
  return Array.from({ length: count }, (_, index) => {
    const paidAt = new Date(from + random() * span);
    const channel = pickWeighted(random, CHANNELS);
    const { items, amount } = basket(random, spender);
    const storeId = channel === "store" && buyer.storeId !== BRAND.id ? String(buyer.storeId) : undefined;
    return customerOrder({ channel, orderNo: `D${tag}${String(index + 1).padStart(3, "0")}`, amount, paidAt, items, storeId, guideUserId: buyer.guide }, buyer);
  });
}

function basket(random: Random, spender: number): { items: OrderInput["items"]; amount: number } {
  const count = Math.max(1, Math.min(5, Math.round((0.6 + random() * 1.4) * Math.sqrt(spender))));
  const shelf: ProductSeed[] = spender >= 2 ? PRODUCTS : PRODUCTS.filter((product) => product.price < 100_000);
  const items = Array.from({ length: count }, () => {
    const product = pick(random, shelf);
    const quantity = product.category === "护肤" && random() < 0.15 ? 2 : 1;
    return { sku: product.sku, name: product.name, category: product.category, quantity, amount: product.price * quantity };
  });
  // Member days and promotions: 10% off now and then.
  const total = items.reduce((sum, item) => sum + item.amount, 0);
  return { items, amount: random() < 0.2 ? Math.round(total * 0.9) : total };
}

/** Oldest first: a batch spans at most two weeks and BATCH_MAX orders. */
function* batchesOf(orders: OrderInput[]): Generator<OrderInput[]> {
  let start = 0;
  while (start < orders.length) {
    const limit = (orders[start] as OrderInput).paidAt.getTime() + BATCH_MS;
    let end = start;
    while (end < orders.length && (orders[end] as OrderInput).paidAt.getTime() < limit && end - start < BATCH_MAX) {
      end += 1;
    }
    yield orders.slice(start, end);
    start = end;
  }
}
