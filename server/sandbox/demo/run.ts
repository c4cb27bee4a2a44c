// The demo scenario (npm run demo, and the sandbox page's button): a year in the life of the
// sandbox corp, played through the product's front doors. WeChat users scan the stores' channel
// codes (add_external_contact callbacks), customers buy over the year (orders imported in batches
// through the product's order command, growth making some members silver or gold), and ~40% join
// the stores' customer groups (add_member callbacks). Guides tag customers while accepting them (on
// WeCom's side, so the product reads the tags with the customer); the managers and the operator
// get their roles through the role command, and the operator, logged in at the console, adds an
// auto-tag rule for the live stream's code and saved segments. The operator also creates three
// 渠道活码 with schedules, caps and welcome messages that customers added through over the last
// four weeks (some deleted since), and a 群活码 funnel whose first group fills and rotates. So the
// console's members, segments, KPIs, org, channel-code and funnel pages all have something to show.
//
// Random choices are seeded from each customer's id, so running the demo again adds what is
// missing (customers up to the target, their orders and joins) and changes nothing else.
import { getLogger } from "../../logging/logger.ts";
import type { SandboxContext } from "../actions/context.ts";
import { seedCorp, type SeedSummary } from "../actions/seed.ts";
import { addChannelCodes, type ChannelCodeCounts } from "./channelCodes.ts";
import { addCustomers, customerPlans } from "./customers.ts";
import { runDemoDraw } from "./draws.ts";
import { runDemoMoments, type MomentCounts } from "./moments.ts";
import { runDemoMassMessages, type MassCounts } from "./massMessages.ts";
import { fillFunnel, type FunnelCounts } from "./funnel.ts";
import { joinGroups } from "./groups.ts";
import { saveSegments, setUpOperator } from "./operator.ts";
import { importOrders, type OrderCounts } from "./orders.ts";
import { productCounts, waitForProduct, type ProductCounts } from "./product.ts";
import { runDemoTaskHistory, type TaskHistoryCounts } from "./taskHistory.ts";
import { SandboxCustomer } from "../models/index.ts";

export type DemoStep = "seed" | "channels" | "customers" | "processing" | "orders" | "groups" | "funnel" | "segments" | "tasks" | "done";

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
  /** The WeCom stand-in's origin: the demo sends its past moments through it (without it they stay drafts). */
  wecomApiBase?: string | undefined;
}

export interface DemoSummary {
  seeded: SeedSummary;
  customersAdded: number;
  /** The operator's 渠道活码 and the customers added (and deleted) through them, part of customersAdded. */
  channelCodes: ChannelCodeCounts;
  groupJoins: number;
  /** Joins through the 群活码 funnel's landing page (not in groupJoins). */
  funnel: FunnelCounts;
  orders: OrderCounts;
  /** The operator's 朋友圈 over last month and this one. */
  moments?: MomentCounts;
  massMessages?: MassCounts;
  /** The guides' tasks of the last three weeks, and what they did of them. */
  tasks: TaskHistoryCounts;
  /** What the product holds afterwards. */
  product: ProductCounts;
  /** Events still queued when the demo stopped waiting (0 normally). */
  pendingEvents: number;
  seconds: number;
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
  const processingTimeoutMs = options.processingTimeoutMs ?? 90_000;
  // The channel codes' four weeks of adds are part of the customers; the funnel's joins come on top.
  const channelAdds = Math.min(targetCustomers, Math.max(12, Math.round(targetCustomers * 0.1)));
  const funnelJoins = Math.min(100, Math.max(12, Math.round(targetCustomers * 0.05)));
  const progress = tracker(options.onProgress, targetCustomers + targetOrders + Math.round(targetCustomers * groupShare) + funnelJoins + 4);

  const seeded = await seedCorp(context);
  const operator = await setUpOperator(options.callbackUrl, now());
  progress.advance(1);

  progress.step("channels", "运营创建渠道活码（门店活码、抖音直播、天猫售后卡），近四周的客户经活码添加");
  const channelCodes = operator ? await addChannelCodes(context, operator, channelAdds, { concurrency: options.concurrency ?? 48, processingTimeoutMs }) : { codes: 0, adds: 0, deleted: 0 };
  progress.advance(channelCodes.adds);

  const toAdd = Math.max(0, targetCustomers - (await SandboxCustomer.countDocuments()));
  progress.step("customers", `${toAdd} 位微信用户扫码添加导购`);
  const added = await addCustomers(context, toAdd, options.concurrency ?? 48, () => progress.advance(1));
  progress.advance(Math.max(0, targetCustomers - toAdd - channelCodes.adds));

  // Orders need the product's follows (a member's guides and tags come from them).
  progress.step("processing", "等待产品处理回调事件");
  await waitForProduct(processingTimeoutMs);
  progress.advance(1);

  const customers = await customerPlans();
  progress.step("orders", "一年的订单（门店、小程序、天猫）");
  const orders = await importOrders(customers, targetOrders, now(), {
    planned: (count) => progress.replan(targetOrders, count),
    imported: (count) => progress.advance(count),
  });

  // After the orders, so that the members exist when their joins arrive.
  progress.step("groups", "客户入群");
  const groupJoins = await joinGroups(context, customers, groupShare, {
    planned: (count) => progress.replan(Math.round(targetCustomers * groupShare), count),
    joined: () => progress.advance(1),
  });
  await waitForProduct(processingTimeoutMs);

  progress.step("funnel", "客户打开群活码落地页，长按识别加入抖音粉丝群（群满自动换群）");
  const funnel = operator ? await fillFunnel(context, operator, funnelJoins, processingTimeoutMs) : { joins: 0, groups: {} };
  progress.advance(funnelJoins);
  const pendingEvents = await waitForProduct(processingTimeoutMs);

  progress.step("segments", "保存示例人群，安排两个月的朋友圈");
  let moments: MomentCounts | undefined;
  let massMessages: MassCounts | undefined;
  if (operator) {
    await saveSegments(operator);
    await runDemoDraw(operator, customers, now());
    moments = await runDemoMoments(operator, options.wecomApiBase, now());
    massMessages = await runDemoMassMessages(operator, options.wecomApiBase, now());
  }
  progress.advance(1);

  // Last: the members' orders decide who is silent or due, and the adds' greetings are made by then.
  progress.step("tasks", "近三周的导购任务：每天生成，导购按各自习惯完成一部分");
  await waitForProduct(processingTimeoutMs);
  const tasks = await runDemoTaskHistory(now());
  progress.advance(1);

  const summary: DemoSummary = {
    seeded,
    customersAdded: added + channelCodes.adds,
    channelCodes,
    groupJoins,
    funnel,
    orders,
    ...(moments ? { moments } : {}),
    ...(massMessages ? { massMessages } : {}),
    tasks,
    product: await productCounts(),
    pendingEvents,
    seconds: Math.round((performance.now() - started) / 100) / 10,
  };
  getLogger("lifecycle", { component: "sandbox-demo" }).info({ summary }, "sandbox demo finished");
  progress.finish();
  return summary;
}

/** The run's progress, told to the hook on every change. */
function tracker(onProgress: DemoOptions["onProgress"], total: number) {
  const progress: DemoProgress = { step: "seed", done: 0, total, message: "准备企业：门店、导购、标签、渠道活码、客户群" };
  const report = (change: Partial<DemoProgress>) => {
    Object.assign(progress, change);
    onProgress?.({ ...progress });
  };
  report({});
  return {
    step: (step: DemoStep, message: string) => report({ step, message }),
    advance: (units: number) => report({ done: progress.done + units }),
    // Once a step knows its real size, the total follows.
    replan: (estimated: number, planned: number) => report({ total: progress.total - estimated + planned }),
    finish: () => report({ step: "done", done: progress.total, message: "完成" }),
  };
}
