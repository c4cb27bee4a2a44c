// The demo scenario (npm run demo, and the sandbox page's button): a year in the life of the
// sandbox corp, played through the product's real front door. WeChat users scan the stores'
// channel codes (2,000 by default, add_external_contact callbacks sent in concurrent bursts),
// customers buy over the year (about 6,000 orders, recorded in bulk as an order feed would import
// them, growth making some members silver or gold), and ~40% join the stores' customer groups
// (add_member callbacks with member versions). Guides tag customers while accepting them (skin
// type, interests, source: on WeCom's side, so the product reads them with the customer), and a
// few settings are made the way an operator would (an auto-tag rule for the live stream's code,
// the managers' roles, saved segments), so the console's members, segments, KPIs and org pages
// all have something to show. On the embedded database (H2) the full size takes 45–60 s on a
// 2-core machine; the product's processing of the 2,000 adds is most of it.
//
// Random choices are seeded from each customer's id, so running the demo again adds what is
// missing (customers up to the target, their orders and joins) and changes nothing else.
import crypto from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import orderBatchImporter from "../commands/orderBatchImporter.ts";
import type { OrderInput } from "../commands/orderRecorder.ts";
import { currentProgram } from "../commands/programStore.ts";
import roleAssigner from "../commands/roleAssigner.ts";
import segmentCounter from "../commands/segmentCounter.ts";
import { isDuplicateKeyError } from "../db/duplicates.ts";
import { SegmentRuleSchema, type SegmentRule } from "../domain/segmentRule.ts";
import { AppError } from "../errors.ts";
import { getLogger } from "../logging/logger.ts";
import { Customer } from "../models/Customer.ts";
import { Employee } from "../models/Employee.ts";
import { EventLane } from "../models/EventLane.ts";
import { Member } from "../models/Member.ts";
import { Order } from "../models/Order.ts";
import { Segment } from "../models/Segment.ts";
import { TagRule } from "../models/TagRule.ts";
import { joinGroup, phoneOf, sandboxAvatar, seedCorp, type SandboxContext, type SeedSummary } from "./actions.ts";
import { createCallbackSender } from "./callbackSender.ts";
import { BRAND, CONTACT_WAYS, GROUPS, MANAGERS, PRODUCTS, STORES, genderOf, randomCustomerName, type ProductSeed } from "./demoData.ts";
import {
  newExternalUserId,
  newWelcomeCode,
  sandboxId,
  SandboxContactWay,
  SandboxCustomer,
  SandboxFollow,
  SandboxGroup,
  SandboxTagGroup,
  SandboxUser,
  SANDBOX_WELCOME_CODE_TTL_MS,
} from "./models/index.ts";

const DAY_MS = 86_400_000;
const YEAR_MS = 365 * DAY_MS;

export type DemoStep = "seed" | "customers" | "processing" | "orders" | "groups" | "segments" | "done";

/** Where the demo is, for a progress bar. */
export interface DemoProgress {
  step: DemoStep;
  /** Units done and planned over the whole run (customers + orders + joins + a few for the rest). */
  done: number;
  total: number;
  message: string;
}

export interface DemoOptions {
  /** The product's origin or callback URL. */
  callbackUrl: string;
  now?: () => Date;
  onProgress?: (progress: DemoProgress) => void;
  /** Customers the corp should have at the end (default 2,000). */
  customers?: number;
  /** Orders over the year, members' and walk-ins' (default 6,000). */
  orders?: number;
  /** Share of customers who join a customer group (default 0.4). */
  groupShare?: number;
  /** Callbacks in flight at once (default 48). */
  concurrency?: number;
  /** How long to wait for the product to work through its events (default 90 s). */
  processingTimeoutMs?: number;
}

export interface DemoSummary {
  seeded: SeedSummary;
  customersAdded: number;
  groupJoins: number;
  orders: { created: number; duplicate: number; rejected: number; refunded: number };
  /** What the product holds afterwards. */
  product: { customers: number; members: number; orders: number; levels: Record<string, number> };
  /** Events still queued when the demo stopped waiting (0 normally). */
  pendingEvents: number;
  seconds: number;
}

/** The demo's plan for one customer, from a random source seeded by its id. */
interface CustomerPlan {
  externalUserId: string;
  name: string;
  guide: string;
  storeId: number;
  at: Date;
}

/**
 * Play the demo scenario against the running product.
 *
 * @param options the product's callback URL, sizes, clock and a progress hook.
 * @returns what was done and what the product holds afterwards.
 */
export async function runDemo(options: DemoOptions): Promise<DemoSummary> {
  const started = performance.now();
  const now = options.now ?? (() => new Date());
  const context: SandboxContext = { callbackUrl: options.callbackUrl, now };
  const targetCustomers = options.customers ?? 2000;
  const targetOrders = options.orders ?? 6000;
  const groupShare = options.groupShare ?? 0.4;
  const concurrency = options.concurrency ?? 48;
  const log = getLogger("lifecycle", { component: "sandbox-demo" });

  // Units: customers, orders and joins, plus one each for the seed, the wait and the segments.
  const estimatedJoins = Math.round(targetCustomers * groupShare);
  const progress: DemoProgress = { step: "seed", done: 0, total: targetCustomers + targetOrders + estimatedJoins + 3, message: "准备企业：门店、导购、标签、渠道活码、客户群" };
  const report = (change: Partial<DemoProgress>) => {
    Object.assign(progress, change);
    options.onProgress?.({ ...progress });
  };
  // Once a step knows its real size, the total follows.
  const replan = (estimated: number, planned: number) => report({ total: progress.total - estimated + planned });
  report({});

  const seeded = await seedCorp(context);
  await setUpOperator(now());
  report({ done: progress.done + 1 });

  // Customers.
  const existing = await SandboxCustomer.countDocuments();
  const toAdd = Math.max(0, targetCustomers - existing);
  report({ step: "customers", message: `${toAdd} 位微信用户扫码添加导购` });
  const added = await addCustomers(context, toAdd, concurrency, () => report({ done: progress.done + 1 }));
  report({ done: progress.done + (targetCustomers - toAdd) });

  // Orders need the product's follows (a member's guides and tags come from them).
  report({ step: "processing", message: "等待产品处理回调事件" });
  await waitForProduct(options.processingTimeoutMs ?? 90_000);
  report({ done: progress.done + 1 });

  const customers = await customerPlans();
  report({ step: "orders", message: "一年的订单（门店、小程序、天猫）" });
  const orders = await importOrders(customers, targetOrders, now(), {
    planned: (count) => replan(targetOrders, count),
    imported: (count) => report({ done: progress.done + count }),
  });

  // After the orders, so that the members exist when their joins arrive.
  report({ step: "groups", message: "客户入群" });
  const groupJoins = await joinGroups(context, customers, groupShare, {
    planned: (count) => replan(estimatedJoins, count),
    joined: () => report({ done: progress.done + 1 }),
  });
  const pendingEvents = await waitForProduct(options.processingTimeoutMs ?? 90_000);

  report({ step: "segments", message: "保存示例人群" });
  await saveSegments(now());
  report({ done: progress.done + 1 });

  const summary: DemoSummary = {
    seeded,
    customersAdded: added,
    groupJoins,
    orders,
    product: await productCounts(),
    pendingEvents,
    seconds: Math.round((performance.now() - started) / 100) / 10,
  };
  log.info({ summary }, "sandbox demo finished");
  report({ step: "done", done: progress.total, message: "完成" });
  return summary;
}

// ---------------------------------------------------------------------------------------------
// Seeded randomness

/** A random source seeded by a string: the same key gives the same sequence. */
function seededRandom(key: string): () => number {
  let state = crypto.createHash("sha256").update(key).digest().readUInt32LE(0);
  // mulberry32
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function pickWeighted<T>(random: () => number, items: readonly (readonly [T, number])[]): T {
  const total = items.reduce((sum, [, weight]) => sum + weight, 0);
  let roll = random() * total;
  for (const [item, weight] of items) {
    roll -= weight;
    if (roll < 0) {
      return item;
    }
  }
  return (items.at(-1) as readonly [T, number])[0];
}

// ---------------------------------------------------------------------------------------------
// Operator settings

const SOURCE_RULE = "渠道活码自动打来源标签";

/**
 * What an operator sets up in the console before the customers come: an auto-tag rule giving
 * the live stream's customers their 客户来源 tag, and the two managers' roles. Skipped when
 * already there.
 */
async function setUpOperator(now: Date): Promise<void> {
  const sourceGroup = await SandboxTagGroup.findOne({ group_name: "客户来源" }).lean();
  for (const tag of sourceGroup?.tag ?? []) {
    const states = CONTACT_WAYS.filter((way) => way.ruleTagged && way.sourceTag === tag.name).map((way) => way.state);
    const name = `${SOURCE_RULE}：${tag.name}`;
    if (states.length === 0 || (await TagRule.exists({ name }))) {
      continue;
    }
    await TagRule.create({ name, trigger: "channel_state", condition: { states }, tagIds: [tag.id], enabled: true }).catch((error: unknown) => {
      if (!isDuplicateKeyError(error)) {
        throw error;
      }
    });
  }
  // The directory events may still be on their way; the roles are set once the employees exist.
  await waitFor(async () => (await Employee.countDocuments({ userId: { $in: MANAGERS.map((manager) => manager.userid) } })) === MANAGERS.length, 10_000);
  for (const manager of MANAGERS) {
    const employee = await Employee.findOne({ userId: manager.userid }, { role: 1 }).lean();
    if (employee?.role !== "guide") {
      continue;
    }
    await roleAssigner({ userId: manager.userid, role: "manager", scopeStoreIds: manager.department.map(String), changedBy: "sandbox-demo", now }).catch((error: unknown) => {
      // A store the directory has not stored yet: the manager stays a guide; the demo goes on.
      if (!(error instanceof AppError)) {
        throw error;
      }
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Customers

/**
 * Add `count` customers through the channel codes over the past year: WeCom's side first (in
 * bulk), then one add_external_contact per customer, in concurrent bursts, oldest first.
 */
async function addCustomers(context: SandboxContext, count: number, concurrency: number, onSent: () => void): Promise<number> {
  if (count === 0) {
    return 0;
  }
  const now = context.now();
  const ways = await SandboxContactWay.find({ state: { $in: CONTACT_WAYS.map((way) => way.state) } }).lean();
  const users = new Map((await SandboxUser.find({}, { main_department: 1 }).lean()).map((user) => [user._id, user.main_department]));
  const tagGroups = new Map((await SandboxTagGroup.find().lean()).map((group) => [group.group_name, group.tag.map((tag) => tag.id)]));
  const seeds = new Map(CONTACT_WAYS.map((way) => [way.state, way]));
  const sourceTags = new Map(
    (await SandboxTagGroup.findOne({ group_name: "客户来源" }).lean())?.tag.map((tag) => [tag.name, tag.id]) ?? [],
  );
  const weighted = ways.map((way) => [way, way.state.endsWith("-poster") ? 5 : way.state.endsWith("-counter") ? 3 : 2] as const);
  const random = seededRandom(`customers:${now.toISOString()}`);

  const plans = Array.from({ length: count }, () => {
    const externalUserId = newExternalUserId();
    const own = seededRandom(externalUserId);
    const way = pickWeighted(random, weighted);
    const userid = way.type === 1 ? (way.user[0] as string) : pick(own, way.user);
    // More adds in recent months: the brand's WeCom programme is growing.
    const at = new Date(now.getTime() - YEAR_MS * (1 - Math.sqrt(own())) - 60_000);
    const seed = seeds.get(way.state);
    const tags = [
      ...(seed && !seed.ruleTagged ? [sourceTags.get(seed.sourceTag)] : []),
      ...(own() < 0.7 ? [pick(own, tagGroups.get("肤质") ?? [])] : []),
      ...(own() < 0.6 ? [pick(own, tagGroups.get("兴趣") ?? [])] : []),
      ...(own() < 0.25 ? [pick(own, tagGroups.get("兴趣") ?? [])] : []),
      ...(own() < 0.3 ? [pick(own, tagGroups.get("消费偏好") ?? [])] : []),
    ].filter((tag): tag is string => Boolean(tag));
    const name = randomCustomerName(own);
    return { externalUserId, name, way, userid, at, tags: [...new Set(tags)], storeId: users.get(userid) ?? BRAND.id };
  }).sort((a, b) => a.at.getTime() - b.at.getTime());

  const seconds = (date: Date) => Math.floor(date.getTime() / 1000);
  await SandboxCustomer.insertMany(
    plans.map((plan) => ({
      external_userid: plan.externalUserId,
      name: plan.name,
      type: 1,
      avatar: sandboxAvatar(context.callbackUrl, plan.externalUserId),
      gender: genderOf(plan.name),
      unionid: sandboxId("o", 27),
      created_at: plan.at,
    })),
    { ordered: false },
  );
  const welcomeCodes = plans.map(() => newWelcomeCode());
  await SandboxFollow.insertMany(
    plans.map((plan, index) => ({
      external_userid: plan.externalUserId,
      userid: plan.userid,
      createtime: seconds(plan.at),
      // The guide picks skin type and interests while accepting the customer.
      tags: plan.tags,
      state: plan.way.state,
      add_way: 1,
      oper_userid: plan.externalUserId,
      welcome_code: welcomeCodes[index],
      welcome_code_expires_at: new Date(plan.at.getTime() + SANDBOX_WELCOME_CODE_TTL_MS),
    })),
    { ordered: false },
  );
  await pool(plans, concurrency, async (plan, index) => {
    await createCallbackSender(context.callbackUrl, { now: () => plan.at }).addExternalContact({
      userid: plan.userid,
      external_userid: plan.externalUserId,
      state: plan.way.state,
      welcome_code: welcomeCodes[index],
    });
    onSent();
  });
  return plans.length;
}

/** Every customer with its first guide, store and add time, oldest first. */
async function customerPlans(): Promise<CustomerPlan[]> {
  const [customers, follows, users] = await Promise.all([
    SandboxCustomer.find({}, { name: 1 }).lean(),
    SandboxFollow.find({}, { external_userid: 1, userid: 1, createtime: 1 }).lean(),
    SandboxUser.find({}, { main_department: 1 }).lean(),
  ]);
  const storeOf = new Map(users.map((user) => [user._id, user.main_department]));
  const firstFollow = new Map<string, { userid: string; createtime: number }>();
  for (const follow of follows) {
    const known = firstFollow.get(follow.external_userid);
    if (!known || follow.createtime < known.createtime) {
      firstFollow.set(follow.external_userid, follow);
    }
  }
  return customers
    .flatMap((customer) => {
      const follow = firstFollow.get(customer._id);
      if (!follow) {
        return [];
      }
      return [{ externalUserId: customer._id, name: customer.name, guide: follow.userid, storeId: storeOf.get(follow.userid) ?? BRAND.id, at: new Date(follow.createtime * 1000) }];
    })
    .sort((a, b) => a.at.getTime() - b.at.getTime() || a.externalUserId.localeCompare(b.externalUserId));
}

// ---------------------------------------------------------------------------------------------
// Orders

const BUYER_SHARE = 0.7;
const WALK_IN_SHARE = 0.15;
/** How much a buyer spends per visit, relative to the average basket. */
const SPENDERS = [[0.6, 30], [1, 50], [2.2, 15], [4, 5]] as const;

function basket(random: () => number, spender: number): { items: OrderInput["items"]; amount: number } {
  const count = Math.max(1, Math.min(5, Math.round((0.6 + random() * 1.4) * Math.sqrt(spender))));
  const pool: ProductSeed[] = spender >= 2 ? PRODUCTS : PRODUCTS.filter((product) => product.price < 100_000);
  const items = Array.from({ length: count }, () => {
    const product = pick(random, pool);
    const quantity = product.category === "护肤" && random() < 0.15 ? 2 : 1;
    return { sku: product.sku, name: product.name, category: product.category, quantity, amount: product.price * quantity };
  });
  // Member days and promotions: 10% off now and then.
  const total = items.reduce((sum, item) => sum + item.amount, 0);
  return { items, amount: random() < 0.2 ? Math.round(total * 0.9) : total };
}

/**
 * Plan a year of orders for the customers (each buyer's from its own seeded source, numbered
 * from its id, so a rerun plans the same orders) and walk-in sales without a member, then import
 * them oldest first in two-week batches, each batch at its own time (members join, earn and
 * upgrade when their orders happened).
 */
async function importOrders(
  customers: CustomerPlan[],
  target: number,
  now: Date,
  on: { planned: (count: number) => void; imported: (count: number) => void },
): Promise<DemoSummary["orders"]> {
  const outcome = { created: 0, duplicate: 0, rejected: 0, refunded: 0 };
  if (target === 0 || customers.length === 0) {
    on.planned(0);
    return outcome;
  }
  const buyers = customers.filter((customer) => seededRandom(`buyer:${customer.externalUserId}`)() < BUYER_SHARE);
  const memberOrders = Math.round(target * (1 - WALK_IN_SHARE));
  const meanExtra = Math.max(0, memberOrders / Math.max(1, buyers.length) - 1);
  const orders: OrderInput[] = [];
  for (const buyer of buyers) {
    const random = seededRandom(`orders:${buyer.externalUserId}`);
    const spender = pickWeighted(random, SPENDERS);
    const from = buyer.at.getTime() + 60_000;
    const span = Math.max(0, now.getTime() - 60_000 - from);
    // Customers of the last two weeks have had time for one purchase at most.
    const extra = Math.round(-Math.log(1 - random()) * meanExtra);
    const count = 1 + (span < 14 * DAY_MS ? 0 : extra);
    const tag = crypto.createHash("sha1").update(buyer.externalUserId).digest("hex").slice(0, 10).toUpperCase();
    for (let index = 0; index < count; index += 1) {
      const paidAt = new Date(from + random() * span);
      const channel = pickWeighted(random, [["store", 75], ["miniprogram", 15], ["tmall", 10]] as const);
      const { items, amount } = basket(random, spender);
      const phone = phoneOf(buyer.externalUserId);
      orders.push({
        channel,
        orderNo: `D${tag}${String(index + 1).padStart(3, "0")}`,
        amount,
        paidAt,
        status: "paid",
        refundedAmount: 0,
        // Tmall knows the phone only; the store's till and the mini-program also know the WeChat user.
        member: channel === "tmall" ? { phone, name: buyer.name } : { phone, externalUserId: buyer.externalUserId, name: buyer.name },
        items,
        ...(channel === "store" && buyer.storeId !== BRAND.id ? { storeId: String(buyer.storeId) } : {}),
        ...(channel === "tmall" ? {} : { guideUserId: buyer.guide }),
      });
    }
  }
  const walkIns = Math.max(0, target - orders.length);
  const random = seededRandom("walk-ins");
  for (let index = 0; index < walkIns; index += 1) {
    const { items, amount } = basket(random, 1);
    orders.push({
      channel: "store",
      orderNo: `W${String(index + 1).padStart(6, "0")}`,
      amount,
      paidAt: new Date(now.getTime() - 60_000 - random() * YEAR_MS),
      status: "paid",
      refundedAmount: 0,
      member: {},
      items,
      storeId: String(pick(random, STORES).id),
    });
  }
  orders.sort((a, b) => a.paidAt.getTime() - b.paidAt.getTime());
  on.planned(orders.length);

  const { program } = await currentProgram();
  const BATCH_MS = 14 * DAY_MS;
  let start = 0;
  while (start < orders.length) {
    const first = orders[start] as OrderInput;
    const limit = first.paidAt.getTime() + BATCH_MS;
    let end = start;
    while (end < orders.length && (orders[end] as OrderInput).paidAt.getTime() < limit && end - start < 2000) {
      end += 1;
    }
    const batch = orders.slice(start, end);
    const batchNow = new Date(Math.min(now.getTime(), (batch.at(-1) as OrderInput).paidAt.getTime() + 60_000));
    const results = await orderBatchImporter(batch, program, batchNow);
    for (const result of results) {
      outcome[result.result] += 1;
    }
    on.imported(batch.length);
    start = end;
  }
  return outcome;
}

// ---------------------------------------------------------------------------------------------
// Groups

/**
 * The customers whose seeded coin says so join one of their store's groups, some weeks after
 * they were added. Joins to one group go one after another (each moves its member_version on,
 * and the product applies each delta on top of the previous one); groups go in parallel.
 */
async function joinGroups(
  context: SandboxContext,
  customers: CustomerPlan[],
  share: number,
  on: { planned: (count: number) => void; joined: () => void },
): Promise<number> {
  const now = context.now();
  const groups = await SandboxGroup.find({ dismissed: { $ne: true } }, { name: 1, member_list: 1 }).lean();
  const chatIdOf = new Map(groups.map((group) => [group.name, group._id]));
  const members = new Set(groups.flatMap((group) => group.member_list.map((member) => `${group._id}|${member.userid}`)));
  const chains = new Map<string, { externalUserId: string; at: Date; via: "qr" | "invite" }[]>();
  for (const customer of customers) {
    const random = seededRandom(`group:${customer.externalUserId}`);
    if (random() >= share) {
      continue;
    }
    const storeGroups = GROUPS.filter((group) => group.storeId === customer.storeId);
    const chatId = chatIdOf.get(pick(random, storeGroups.length > 0 ? storeGroups : GROUPS).name);
    const at = new Date(Math.min(now.getTime() - 60_000, customer.at.getTime() + random() * 30 * DAY_MS));
    const via = random() < 0.7 ? "qr" : "invite";
    if (!chatId || members.has(`${chatId}|${customer.externalUserId}`)) {
      continue;
    }
    chains.set(chatId, [...(chains.get(chatId) ?? []), { externalUserId: customer.externalUserId, at, via }]);
  }
  on.planned([...chains.values()].reduce((sum, joins) => sum + joins.length, 0));
  let joined = 0;
  await Promise.all(
    [...chains].map(async ([chatId, joins]) => {
      joins.sort((a, b) => a.at.getTime() - b.at.getTime());
      for (const join of joins) {
        try {
          await joinGroup(context, { chatId, externalUserId: join.externalUserId, via: join.via, at: join.at });
          joined += 1;
        } catch (error) {
          // Full (200) or already in: WeCom refuses, the customer stays out.
          if (!(error instanceof AppError && (error.status === 409 || error.status === 422))) {
            throw error;
          }
        }
        on.joined();
      }
    }),
  );
  return joined;
}

// ---------------------------------------------------------------------------------------------
// Segments

/** Saved segments an operator would make, by tag names and levels (skipped when present). */
async function saveSegments(now: Date): Promise<void> {
  const tagGroups = await SandboxTagGroup.find().lean();
  const tagId = (group: string, name: string) => tagGroups.find((candidate) => candidate.group_name === group)?.tag.find((tag) => tag.name === name)?.id;
  const sensitive = tagId("肤质", "敏感肌");
  const skincare = tagId("兴趣", "护肤");
  const candidates: { name: string; description: string; rule: SegmentRule }[] = [
    { name: "银卡及以上会员", description: "会员等级银卡、金卡、黑金", rule: { minLevel: "silver" } },
    { name: "沉睡会员（90 天未购）", description: "买过，但 90 天内没有再买", rule: { noPurchaseForDays: 90 } },
    { name: "近 30 天活跃会员", description: "30 天内有购买", rule: { lastPurchaseWithinDays: 30 } },
    ...(sensitive && skincare ? [{ name: "敏感肌 · 爱护肤", description: "敏感肌且对护肤感兴趣", rule: { tags: { all: [sensitive, skincare] } } }] : []),
    { name: "上海南京西路店会员", description: "归属门店 101", rule: { stores: ["101"] } },
  ];
  const { program } = await currentProgram();
  for (const candidate of candidates) {
    if (await Segment.exists({ name: candidate.name })) {
      continue;
    }
    const rule = SegmentRuleSchema.parse(candidate.rule);
    const lastCount = await segmentCounter({ rule, program, now });
    await Segment.create({ ...candidate, rule, createdBy: "sandbox-demo", lastCount, lastCountedAt: now }).catch((error: unknown) => {
      if (!isDuplicateKeyError(error)) {
        throw error;
      }
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Helpers

/** Run `work` over the items with at most `concurrency` in flight. */
async function pool<T>(items: T[], concurrency: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const index = next;
      next += 1;
      await work(items[index] as T, index);
    }
  });
  await Promise.all(workers);
}

async function waitFor(condition: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) {
      return true;
    }
    if (Date.now() > deadline) {
      return false;
    }
    await sleep(100);
  }
}

/**
 * Wait until the product's event processor has worked through every queued callback (no lane
 * left), or the timeout.
 *
 * @returns the lanes still queued (0 when all was processed).
 */
async function waitForProduct(timeoutMs: number): Promise<number> {
  let lanes = 0;
  await waitFor(async () => {
    lanes = await EventLane.countDocuments();
    return lanes === 0;
  }, timeoutMs);
  return lanes;
}

async function productCounts(): Promise<DemoSummary["product"]> {
  const [customers, members, orders, levels] = await Promise.all([
    Customer.countDocuments(),
    Member.countDocuments({ mergedInto: null }),
    Order.countDocuments(),
    Member.aggregate<{ _id: string; count: number }>([{ $match: { mergedInto: null } }, { $group: { _id: "$levelCode", count: { $sum: 1 } } }]),
  ]);
  return { customers, members, orders, levels: Object.fromEntries(levels.map((level) => [level._id, level.count])) };
}
