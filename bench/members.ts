// bench:members — how fast a year of channel orders is imported into the membership core, and
// how fast members are then read, on the embedded database.
//
//   npm run bench:members -- [--members 200000] [--orders 1000000] [--backend h2|memory] [--batch 1000] [--refunds 0] [--keep]
//   npm run bench:members -- --generate FILE [--members …] [--orders …]   (only write the file, e.g. for import:orders)
//
// Synthetic members (phones, unionids, buyer ids; tmall/jd/miniprogram/store) place orders over
// the past year into a JSON-lines file in a temp dir. The file is imported through the same
// function as `npm run import:orders`, after a baseline of its first 2,000 orders recorded one
// at a time through orderRecorder on an empty database. Then one segment-like count and a
// member-profile read are timed.
//
// Defaults are the 200,000 members / 1,000,000 orders: a long run on the embedded
// database (see README for the measured time); --members/--orders give a quicker look. The
// memory backend runs out of its JVM heap near 1M orders, so the default backend is H2.
// Refund rows default to 0: each goes through orderRecorder, whose points clawback is a
// conditional update that scans members on the embedded database.
//
// The last line sums it up:
//   members: <n> orders: <m> import: <s>s (<r> orders/s) segment count: <ms>ms profile read: <ms>ms
import { once } from "node:events";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { parseArgs } from "node:util";
import cliProgress from "cli-progress";
import mongoose from "mongoose";
import { formatSummary, importOrders } from "../scripts/import-orders.ts";
import { validateOrder } from "../scripts/orderRows.ts";
import orderRecorder, { type OrderInput } from "../server/commands/orderRecorder.ts";
import { currentProgram } from "../server/commands/programStore.ts";
import { connectDatabase } from "../server/db/connection.ts";
import { levelRank, type Program } from "../server/domain/program.ts";
import { AppError } from "../server/errors.ts";
import { configureLogger } from "../server/logging/logger.ts";
import { Member } from "../server/models/Member.ts";
import "../server/models/index.ts";
import { presentMember } from "../server/presenters/member.ts";
import { random } from "./random.ts";

const { values: args } = parseArgs({
  options: {
    members: { type: "string", default: "200000" },
    orders: { type: "string", default: "1000000" },
    backend: { type: "string", default: "h2" },
    batch: { type: "string", default: "1000" },
    refunds: { type: "string", default: "0" },
    seed: { type: "string", default: "20260601" },
    keep: { type: "boolean", default: false },
    generate: { type: "string" },
  },
});
const memberCount = Number(args.members);
const orderCount = Number(args.orders);
const backend = args.backend === "memory" ? "memory" : "h2";
const batchSize = Number(args.batch);
const refundRate = Number(args.refunds);
const BASELINE_ORDERS = 2_000;
const DAY = 86_400_000;
const CHANNELS = ["tmall", "jd", "miniprogram", "store"] as const;
type Channel = (typeof CHANNELS)[number];
// Where members first buy: most of them on Tmall and the mini-program.
const HOME_SHARE: [Channel, number][] = [["tmall", 0.35], ["jd", 0.2], ["miniprogram", 0.25], ["store", 0.2]];
const SURNAMES = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭"];
const PRODUCTS = [
  { sku: "SK-ESS-30", name: "精华液 30ml", category: "护肤" },
  { sku: "SK-CRM-50", name: "面霜 50g", category: "护肤" },
  { sku: "SK-TON-150", name: "爽肤水 150ml", category: "护肤" },
  { sku: "MU-LIP-01", name: "口红 #01", category: "彩妆" },
  { sku: "MU-FDN-30", name: "粉底液 30ml", category: "彩妆" },
  { sku: "FR-EDP-50", name: "香水 50ml", category: "香氛" },
];

/** The orders of a year, oldest first, as the API's body: every member places its first order in it. */
function* syntheticOrders(members: number, orders: number, now: Date, next: () => number): Generator<Record<string, unknown>> {
  const home = new Uint8Array(members);
  const recent: { channel: Channel; orderNo: string; amount: number }[] = [];
  const start = now.getTime() - 365 * DAY;
  let introduced = 0;
  for (let index = 0; index < orders; index += 1) {
    const paidAt = new Date(start + (index / orders) * 365 * DAY + Math.floor(next() * 3_600_000)).toISOString();
    if (recent.length > 0 && next() < refundRate) {
      const original = recent[Math.floor(next() * recent.length)] as (typeof recent)[number];
      yield { channel: original.channel, orderNo: `R${index}`, amount: -Math.max(100, Math.floor(original.amount * 0.3)), refundOf: original.orderNo, paidAt };
      continue;
    }
    // New members arrive evenly over the year; returning ones are skewed to the loyal few.
    const isNew = introduced === 0 || next() < (members - introduced) / (orders - index);
    const member = isNew ? introduced++ : Math.floor(introduced * next() ** 1.8);
    if (isNew) {
      home[member] = CHANNELS.indexOf(pickShare(next()));
    }
    const channel = next() < 0.75 ? (CHANNELS[home[member] as number] as Channel) : (CHANNELS[Math.floor(next() * CHANNELS.length)] as Channel);
    const order = orderFor(member, channel, index, paidAt, next);
    recent[index % 1_000] = { channel, orderNo: order.orderNo as string, amount: order.amount as number };
    yield order;
  }
}

function pickShare(value: number): Channel {
  let sum = 0;
  for (const [channel, share] of HOME_SHARE) {
    sum += share;
    if (value < sum) {
      return channel;
    }
  }
  return "store";
}

function orderFor(member: number, channel: Channel, index: number, paidAt: string, next: () => number): Record<string, unknown> {
  const phone = `1${"35789"[member % 5]}${String(member).padStart(9, "0")}`;
  const name = `${SURNAMES[member % SURNAMES.length]}${member % 2 === 0 ? "女士" : "先生"}`;
  // Marketplaces sometimes hide the phone: such an order matches by buyer id, or is rejected.
  const claims: Record<string, string> =
    channel === "tmall" || channel === "jd"
      ? { buyerId: `${channel === "tmall" ? "tb" : "jd"}${member}`, ...(next() < 0.97 ? { phone } : {}) }
      : channel === "miniprogram"
        ? { unionid: `oU${member.toString(36)}`, ...(next() < 0.8 ? { phone } : {}) }
        : { phone, ...(next() < 0.5 ? { externalUserId: `wm${member.toString(36)}` } : {}) };
  const lines = 1 + Math.floor(next() * next() * 3);
  const items = Array.from({ length: lines }, () => {
    const product = PRODUCTS[Math.floor(next() * PRODUCTS.length)] as (typeof PRODUCTS)[number];
    // Log-normal prices around ¥260, whole yuan.
    const amount = Math.min(500_000, Math.max(1_900, Math.round(Math.exp(Math.log(26_000) + 0.7 * gaussian(next)) / 100) * 100));
    return { ...product, quantity: 1, amount };
  });
  const store = channel === "store" ? { storeId: `store_${member % 40}`, guideUserId: `guide_${member % 200}` } : {};
  return {
    channel,
    orderNo: `${channel.slice(0, 2).toUpperCase()}${String(index).padStart(9, "0")}`,
    amount: items.reduce((sum, item) => sum + item.amount, 0),
    paidAt,
    member: { ...claims, name },
    items,
    ...store,
  };
}

function gaussian(next: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
}

async function writeOrders(file: string, now: Date): Promise<void> {
  const output = fs.createWriteStream(file);
  for (const order of syntheticOrders(memberCount, orderCount, now, random(Number(args.seed)))) {
    if (!output.write(`${JSON.stringify(order)}\n`)) {
      await once(output, "drain");
    }
  }
  output.end();
  await once(output, "finish");
}

/** The first orders of the file, validated as the importer does. */
async function firstOrders(file: string, count: number): Promise<OrderInput[]> {
  const inputs: OrderInput[] = [];
  const lines = readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity });
  for await (const line of lines) {
    const { order } = validateOrder(JSON.parse(line));
    if (order) {
      inputs.push(order);
    }
    if (inputs.length >= count) {
      break;
    }
  }
  lines.close();
  return inputs;
}

/** orders/s for the one-at-a-time path (refusals count as handled rows, as in the import). */
async function oneAtATime(inputs: OrderInput[], program: Program): Promise<number> {
  const started = performance.now();
  for (const input of inputs) {
    try {
      await orderRecorder(input, program, new Date());
    } catch (error) {
      if (!(error instanceof AppError)) {
        throw error;
      }
    }
  }
  return inputs.length / ((performance.now() - started) / 1000);
}

async function emptyDatabase(): Promise<void> {
  await mongoose.connection.db?.dropDatabase();
  for (const model of Object.values(mongoose.models)) {
    await model.createIndexes();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/**
 * A stand-in for a segment until segments land: members at gold or above who bought within
 * 90 days, a plain countDocuments (on the embedded database: a scan of members).
 */
async function timeSegmentCount(program: Program, now: Date): Promise<{ ms: number; count: number }> {
  const goldRank = Math.max(0, program.levels.findIndex((level) => level.code === "gold"));
  const codes = program.levels.filter((level) => levelRank(program, level.code) >= goldRank).map((level) => level.code);
  const times: number[] = [];
  let count = 0;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const started = performance.now();
    count = await Member.countDocuments({ levelCode: { $in: codes }, "metrics.lastPurchaseAt": { $gte: new Date(now.getTime() - 90 * DAY) } });
    times.push(performance.now() - started);
  }
  return { ms: median(times), count };
}

/** What GET /api/console/members/:memberNo does: the program, the member by number, the presenter. */
async function timeProfileRead(members: number, now: Date): Promise<number> {
  const next = random(7);
  const times: number[] = [];
  for (let attempt = 0; attempt < 21; attempt += 1) {
    const memberNo = `M${String(1 + Math.floor(next() * members)).padStart(8, "0")}`;
    const started = performance.now();
    const { program } = await currentProgram();
    const member = await Member.findOne({ memberNo }).lean();
    if (member) {
      presentMember(member, program, now);
    }
    times.push(performance.now() - started);
  }
  return median(times);
}

async function main(): Promise<void> {
  configureLogger("warn");
  if (args.generate) {
    await writeOrders(args.generate, new Date());
    return;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "scrm-bench-members-"));
  const file = path.join(dir, "orders.jsonl");
  const now = new Date();
  let started = performance.now();
  await writeOrders(file, now);
  process.stderr.write(`generated ${orderCount} orders for ${memberCount} members in ${((performance.now() - started) / 1000).toFixed(1)} s (${(fs.statSync(file).size / 1e6).toFixed(0)} MB)\n`);
  // Its own embedded database in the temp dir: the bench never touches .data or MONGODB_URI.
  const database = await connectDatabase({ backend, dataDir: path.join(dir, "db"), dbName: "bench_members" });
  try {
    const { program } = await currentProgram();
    const baseline = await oneAtATime(await firstOrders(file, BASELINE_ORDERS), program);
    console.log(`one at a time (orderRecorder, first ${BASELINE_ORDERS} orders, empty ${backend} database): ${Math.round(baseline)} orders/s`);
    await emptyDatabase();

    const bar = new cliProgress.SingleBar({ format: "import |{bar}| {percentage}% | {rows} rows | eta {eta_formatted}", stream: process.stderr, etaBuffer: 50 }, cliProgress.Presets.shades_classic);
    bar.start(fs.statSync(file).size, 0, { rows: 0 });
    started = performance.now();
    const summary = await importOrders({ file, rejectsFile: path.join(dir, "rejects.csv"), batchSize, program, onProgress: (step) => bar.update(step.bytesRead, { rows: step.rows }) });
    bar.stop();
    const rate = summary.rows / summary.seconds;
    console.log(`bulk import (${backend}, batch ${batchSize}): ${formatSummary(summary)}`);
    console.log(`bulk / one at a time: ${(rate / baseline).toFixed(1)}x`);

    const members = await Member.estimatedDocumentCount();
    const segment = await timeSegmentCount(program, now);
    const profile = await timeProfileRead(members, now);
    console.log(`segment (gold+ bought within 90 days): ${segment.count} members; median of 3 counts, 21 profile reads`);
    console.log(`bench process max RSS: ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);
    console.log(
      `members: ${members} orders: ${summary.rows} import: ${summary.seconds.toFixed(1)}s (${Math.round(rate)} orders/s) segment count: ${Math.round(segment.ms)}ms profile read: ${profile.toFixed(1)}ms`,
    );
  } finally {
    await database.close();
    if (!args.keep) {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
