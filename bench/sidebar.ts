// bench:sidebar — how fast the sidebar opens on a customer: the profile a guide sees
// (GET /api/sidebar/customers/:externalUserId) against a baseline of the same session and one
// employee read (GET /api/auth/me), and how much the sidebar's first screen downloads.
//
//   npm run bench:sidebar -- [--customers 100000] [--guides 200] [--groups 300] [--requests 500]
//                            [--concurrency 8] [--backend memory|h2] [--batch 5000] [--keep]
//
// Seeds a brand of --customers WeCom customers straight into the collections (insertMany in
// batches, no commands): spread over --guides guides with active follows and follow tags (15% also
// followed by a second guide), ~70% of them members (Member + MemberIdentity `customer:<id>`) with
// 1–5 orders each, --groups customer groups, notes on ~10%, six corp tag groups and a few benefit
// claims. The database is the embedded one in a temp dir (memory backend unless --backend h2), or
// MONGODB_URI when set — then in its own database `scrm_bench_sidebar`, dropped before and after.
//
// The real app (createApp, dev login, sidebar/dist) listens on loopback in this process. One guide
// logs in through POST /api/auth/dev-login and requests its own customers' profiles in random order,
// each at least once (--requests in all), one at a time and then --concurrency at a time; the
// baseline gets the same number of requests the same way. Latency is performance.now() around
// fetch (body read). Each gets an unmeasured warm-up.
//
// The first screen is what sidebar/dist/sidebar/index.html loads up front (script src,
// stylesheets, modulepreloads), each gzipped at level 9 (the front end is built first if stale).
//
// The last line sums it up:
//   sidebar: profile p95 <ms>ms (p50 <ms>, p99 <ms>) at <n> customers; baseline /api/auth/me p95 <ms>ms ratio <r>; first screen <kb> KB gz
import fs from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import zlib from "node:zlib";
import mongoose from "mongoose";
import { buildFrontend, frontendIsStale } from "../scripts/build-frontend.mjs";
import { createApp } from "../server/app.ts";
import { connectDatabase } from "../server/db/connection.ts";
import { DEFAULT_PROGRAM, levelForGrowth } from "../server/domain/program.ts";
import { configureLogger } from "../server/logging/logger.ts";
import { BenefitClaim } from "../server/models/BenefitClaim.ts";
import { Customer } from "../server/models/Customer.ts";
import { CustomerNote } from "../server/models/CustomerNote.ts";
import { Employee } from "../server/models/Employee.ts";
import { Follow } from "../server/models/Follow.ts";
import { Group } from "../server/models/Group.ts";
import "../server/models/index.ts";
import { Member } from "../server/models/Member.ts";
import { MemberIdentity } from "../server/models/MemberIdentity.ts";
import { Order } from "../server/models/Order.ts";
import { TagGroup } from "../server/models/TagGroup.ts";
import { WeComClient } from "../server/wecom/client.ts";

const { values: args } = parseArgs({
  options: {
    customers: { type: "string", default: "100000" },
    guides: { type: "string", default: "200" },
    groups: { type: "string", default: "300" },
    requests: { type: "string", default: "500" },
    concurrency: { type: "string", default: "8" },
    warmup: { type: "string", default: "100" },
    backend: { type: "string", default: "memory" },
    batch: { type: "string", default: "5000" },
    seed: { type: "string", default: "20261122" },
    keep: { type: "boolean", default: false },
  },
});
const customerCount = Number(args.customers);
const guideCount = Number(args.guides);
const groupCount = Number(args.groups);
const requestCount = Number(args.requests);
const concurrency = Number(args.concurrency);
const warmupCount = Number(args.warmup);
const backend = args.backend === "h2" ? "h2" : "memory";
const batchSize = Number(args.batch);

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const DIST = path.join(ROOT, "sidebar", "dist");
const DAY = 86_400_000;
const MEMBER_SHARE = 0.7;
const SECOND_FOLLOW_SHARE = 0.15;
const NOTE_SHARE = 0.1;
const TAG_GROUPS = ["客户等级", "肤质", "兴趣品类", "购买意向", "来源渠道", "生命周期"];
const TAGS_PER_GROUP = 8;
const CHANNELS = ["tmall", "jd", "miniprogram", "store"] as const;
const SURNAMES = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭"];
const PRODUCTS = [
  { sku: "SK-ESS-30", name: "精华液 30ml", category: "护肤", amount: 58_000 },
  { sku: "SK-CRM-50", name: "面霜 50g", category: "护肤", amount: 42_000 },
  { sku: "SK-TON-150", name: "爽肤水 150ml", category: "护肤", amount: 19_000 },
  { sku: "MU-LIP-01", name: "口红 #01", category: "彩妆", amount: 29_000 },
  { sku: "MU-FDN-30", name: "粉底液 30ml", category: "彩妆", amount: 39_000 },
  { sku: "FR-EDP-50", name: "香水 50ml", category: "香氛", amount: 88_000 },
];

/** mulberry32: deterministic, so a run can be repeated with the same data. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const externalUserIdOf = (index: number) => `wmBench${String(index).padStart(8, "0")}`;
const guideOf = (index: number) => `guide_${index}`;
const tagIdOf = (group: number, tag: number) => `etBenchG${group}T${tag}`;
const storeOf = (guide: number) => 100 + (guide % 40);

/** Buffers documents per collection and writes them with insertMany in batches. */
class Loader {
  private readonly buffers = new Map<mongoose.Model<never>, Record<string, unknown>[]>();
  readonly counts = new Map<string, number>();

  async add(model: mongoose.Model<never>, doc: Record<string, unknown>): Promise<void> {
    const buffer = this.buffers.get(model) ?? [];
    this.buffers.set(model, buffer);
    buffer.push(doc);
    if (buffer.length >= batchSize) {
      await this.flush(model);
    }
  }

  async flush(model: mongoose.Model<never>): Promise<void> {
    const buffer = this.buffers.get(model) ?? [];
    if (buffer.length > 0) {
      await model.collection.insertMany(buffer, { ordered: false });
      this.counts.set(model.collection.collectionName, (this.counts.get(model.collection.collectionName) ?? 0) + buffer.length);
      buffer.length = 0;
    }
  }

  async flushAll(): Promise<void> {
    for (const model of this.buffers.keys()) {
      await this.flush(model);
    }
  }
}

const asModel = (model: unknown) => model as mongoose.Model<never>;

/** Seed the brand. Returns the externalUserIds each guide actively follows. */
async function seed(now: Date): Promise<Map<string, string[]>> {
  const next = random(Number(args.seed));
  const pick = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)] as T;
  const between = (low: number, high: number) => low + Math.floor(next() * (high - low + 1));
  const loader = new Loader();
  const stamp = { createdAt: now, updatedAt: now };

  for (let guide = 0; guide < guideCount; guide += 1) {
    await loader.add(asModel(Employee), {
      userId: guideOf(guide),
      name: `${pick(SURNAMES)}导购${guide}`,
      departmentIds: [storeOf(guide)],
      mainDepartmentId: storeOf(guide),
      position: "导购",
      alias: "",
      wecomStatus: 1,
      deleted: false,
      role: "guide",
      scopeStoreIds: [],
      ...stamp,
    });
  }
  for (let group = 0; group < TAG_GROUPS.length; group += 1) {
    await loader.add(asModel(TagGroup), {
      groupId: `etBenchG${group}`,
      name: TAG_GROUPS[group],
      order: TAG_GROUPS.length - group,
      createdAtWeCom: new Date(now.getTime() - 400 * DAY),
      deleted: false,
      tags: Array.from({ length: TAGS_PER_GROUP }, (_, tag) => ({ id: tagIdOf(group, tag), name: `${TAG_GROUPS[group]}${tag + 1}`, order: TAGS_PER_GROUP - tag, createdAtWeCom: null, deleted: false })),
      syncedAt: now,
      ...stamp,
    });
  }

  // Groups first, so members can carry the chat ids they are in: mostly the owner's own customers.
  const chatIdsOf = new Map<number, string[]>();
  for (let group = 0; group < groupCount; group += 1) {
    const owner = group % guideCount;
    const chatId = `wrBench${String(group).padStart(6, "0")}`;
    const size = between(20, 200);
    const chosen = new Set<number>();
    const ownCustomers = Math.ceil(customerCount / guideCount);
    while (chosen.size < Math.min(size, customerCount)) {
      const index = next() < 0.7 ? Math.min(customerCount - 1, owner + guideCount * Math.floor(next() * ownCustomers)) : Math.floor(next() * customerCount);
      chosen.add(index);
    }
    const joinedAt = (days: number) => new Date(now.getTime() - days * DAY);
    const members = [
      { id: guideOf(owner), type: "employee", joinScene: 1, joinedAt: joinedAt(300), invitorId: null, groupNickname: "", name: "", state: "", status: "in", quitScene: null, leftAt: null },
      ...[...chosen].map((index) => {
        const left = next() < 0.05;
        return { id: externalUserIdOf(index), type: "customer", joinScene: pick([1, 2, 3]), joinedAt: joinedAt(between(1, 300)), invitorId: guideOf(owner), groupNickname: "", name: "", state: "", status: left ? "left" : "in", quitScene: left ? 0 : null, leftAt: left ? now : null };
      }),
    ];
    for (const index of chosen) {
      chatIdsOf.set(index, [...(chatIdsOf.get(index) ?? []), chatId]);
    }
    await loader.add(asModel(Group), {
      chatId,
      name: `${guideOf(owner)} 的会员福利群 ${group}`,
      ownerId: guideOf(owner),
      notice: "新品试用、会员日活动都在群里通知",
      adminIds: [],
      createdAtWeCom: joinedAt(300),
      memberVersion: `v${group}`,
      status: "active",
      dismissedAt: null,
      members,
      syncedAt: now,
      ...stamp,
    });
  }

  const followedBy = new Map<string, string[]>();
  let orderNo = 0;
  let claimNo = 0;
  for (let index = 0; index < customerCount; index += 1) {
    const externalUserId = externalUserIdOf(index);
    const guide = index % guideCount;
    const name = `${pick(SURNAMES)}${index % 2 === 0 ? "女士" : "先生"}`;
    const isMember = next() < MEMBER_SHARE;
    const addedAt = new Date(now.getTime() - between(1, 700) * DAY);
    const notes: Record<string, unknown>[] = [];
    if (next() < NOTE_SHARE) {
      for (let note = between(1, 3); note > 0; note -= 1) {
        const at = new Date(now.getTime() - between(1, 300) * DAY);
        notes.push({ _id: new mongoose.Types.ObjectId(), externalUserId, authorUserId: guideOf(guide), text: pick(["回访：对精华液感兴趣", "已发新品试用装", "生日月，提醒领券", "询问粉底色号"]), createdAt: at, updatedAt: at });
      }
      notes.sort((a, b) => (a.createdAt as Date).getTime() - (b.createdAt as Date).getTime());
    }
    await loader.add(asModel(Customer), {
      externalUserId,
      name,
      avatar: `https://wework.qpic.cn/wwpic/${index}/0`,
      wecomType: 1,
      gender: index % 2 === 0 ? 2 : 1,
      unionid: isMember ? `oUBench${index.toString(36)}` : null,
      corpName: "",
      position: "",
      syncedAt: now,
      groupChatIds: chatIdsOf.get(index) ?? [],
      recentNoteIds: notes.map((note) => note._id),
      ...stamp,
    });
    for (const note of notes) {
      await loader.add(asModel(CustomerNote), note);
    }

    const follows: { userId: string; status: string }[] = [{ userId: guideOf(guide), status: "active" }];
    if (next() < SECOND_FOLLOW_SHARE && guideCount > 1) {
      follows.push({ userId: guideOf((guide + 1 + Math.floor(next() * (guideCount - 1))) % guideCount), status: next() < 0.33 ? "deleted_by_customer" : "active" });
    }
    const allTags = new Set<string>();
    for (const follow of follows) {
      const tagIds = [...new Set(Array.from({ length: between(0, 4) }, () => tagIdOf(between(0, TAG_GROUPS.length - 1), between(0, TAGS_PER_GROUP - 1))))];
      tagIds.forEach((tagId) => allTags.add(tagId));
      await loader.add(asModel(Follow), {
        externalUserId,
        userId: follow.userId,
        remark: next() < 0.4 ? `${name} ${pick(["敏感肌", "老客", "送礼", "VIP", "油皮"])}` : "",
        description: "",
        state: `store_${storeOf(guide)}`,
        addWay: pick([1, 2, 3, 201]),
        operUserId: follow.userId,
        tagIds,
        addedAt,
        status: follow.status,
        statusChangedAt: follow.status === "active" ? null : now,
        deletedByTransfer: false,
        transferFailure: null,
        ...stamp,
      });
      if (follow.status === "active") {
        followedBy.set(follow.userId, [...(followedBy.get(follow.userId) ?? []), externalUserId]);
      }
    }

    if (isMember) {
      const memberId = new mongoose.Types.ObjectId();
      const orderCount = between(1, 5);
      const paidTimes = Array.from({ length: orderCount }, () => now.getTime() - between(1, 365) * DAY - between(0, 86_399) * 1000).sort((a, b) => a - b);
      let totalSpent = 0;
      const recentOrders: { orderId: string; paidAt: Date }[] = [];
      const home = pick(CHANNELS);
      for (const paid of paidTimes) {
        const channel = next() < 0.75 ? home : pick(CHANNELS);
        const items = Array.from({ length: between(1, 3) }, () => {
          const product = pick(PRODUCTS);
          return { sku: product.sku, name: product.name, category: product.category, quantity: 1, amount: product.amount };
        });
        const amount = items.reduce((sum, item) => sum + item.amount, 0);
        totalSpent += amount;
        orderNo += 1;
        const number = `${channel.slice(0, 2).toUpperCase()}${String(orderNo).padStart(9, "0")}`;
        recentOrders.push({ orderId: `${channel}:${number}`, paidAt: new Date(paid) });
        await loader.add(asModel(Order), {
          _id: `${channel}:${number}`,
          channel,
          orderNo: number,
          memberId,
          amount,
          refundedAmount: 0,
          status: "paid",
          paidAt: new Date(paid),
          items,
          storeId: channel === "store" ? `store_${storeOf(guide)}` : null,
          guideUserId: channel === "store" ? guideOf(guide) : null,
          ...stamp,
        });
      }
      const growth = Math.trunc(totalSpent / 100);
      const level = levelForGrowth(DEFAULT_PROGRAM, growth);
      const joinedAt = new Date((paidTimes[0] as number) - DAY);
      const reachedAt = new Date(paidTimes.at(-1) as number);
      await loader.add(asModel(Member), {
        _id: memberId,
        memberNo: `M${String(index + 1).padStart(8, "0")}`,
        name,
        phoneHash: null,
        phoneEncrypted: null,
        phoneMasked: `1${"35789"[index % 5]}8****${String(index % 10_000).padStart(4, "0")}`,
        unionid: `oUBench${index.toString(36)}`,
        externalUserIds: [externalUserId],
        tagIds: [...allTags],
        guideUserIds: follows.filter((follow) => follow.status === "active").map((follow) => follow.userId),
        groupChatIds: chatIdsOf.get(index) ?? [],
        homeStoreId: `store_${storeOf(guide)}`,
        joinedAt,
        sourceChannel: home,
        birthday: next() < 0.5 ? `${String(between(1, 12)).padStart(2, "0")}-${String(between(1, 28)).padStart(2, "0")}` : null,
        levelCode: level.code,
        levelValidUntil: level.threshold > 0 ? new Date(reachedAt.getTime() + 365 * DAY) : null,
        levelChanges: level.threshold > 0 ? [{ from: "regular", to: level.code, at: reachedAt, reason: "growth" }] : [],
        growth,
        points: growth,
        metrics: {
          totalSpent,
          orderCount,
          averageOrderValue: Math.round(totalSpent / orderCount),
          firstPurchaseAt: new Date(paidTimes[0] as number),
          lastPurchaseAt: reachedAt,
          purchaseTimes: paidTimes.map((time) => new Date(time)),
          recentOrders: recentOrders.slice(-5),
        },
        mergedInto: null,
        ...stamp,
      });
      await loader.add(asModel(MemberIdentity), { _id: `customer:${externalUserId}`, kind: "customer", memberId, via: "wecom", byUserId: null, at: joinedAt });
      await loader.add(asModel(MemberIdentity), { _id: `unionid:oUBench${index.toString(36)}`, kind: "unionid", memberId, via: "wecom", byUserId: null, at: joinedAt });
      if (level.threshold > 0 && next() < 0.3) {
        claimNo += 1;
        await loader.add(asModel(BenefitClaim), {
          _id: `BC${String(claimNo).padStart(10, "0")}`,
          slot: `silver_coupon:${memberId}:${reachedAt.toISOString().slice(0, 10)}:1`,
          benefitCode: "silver_coupon",
          memberId,
          levelCode: level.code,
          status: "claimed",
          claimedAt: reachedAt,
          redeemBy: new Date(reachedAt.getTime() + 30 * DAY),
          redeemedAt: null,
          redeemedByUserId: null,
          storeId: null,
        });
      }
    }

  }
  await loader.flushAll();
  process.stderr.write(`  seeded ${[...loader.counts].map(([name, count]) => `${name} ${count}`).join(", ")}\n`);
  return followedBy;
}

interface Timing {
  latencies: number[];
  seconds: number;
  errors: number;
}

/** GET each path (in order, `workers` in flight), timing each with performance.now() around fetch and the body. */
async function measure(base: string, paths: string[], workers: number, cookie: string): Promise<Timing> {
  const latencies: number[] = new Array<number>(paths.length);
  let next = 0;
  let errors = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < paths.length) {
      const index = next;
      next += 1;
      const sent = performance.now();
      const response = await fetch(`${base}${paths[index]}`, { headers: { cookie } });
      await response.arrayBuffer();
      latencies[index] = performance.now() - sent;
      if (response.status !== 200) {
        errors += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: workers }, worker));
  return { latencies, seconds: (performance.now() - started) / 1000, errors };
}

function percentile(values: number[], share: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(share * sorted.length) - 1))] as number;
}

const ms = (value: number) => value.toFixed(1);

function describe(label: string, timing: Timing): string {
  const { latencies } = timing;
  return (
    `  ${label.padEnd(34)} p50 ${ms(percentile(latencies, 0.5)).padStart(6)} ms  p95 ${ms(percentile(latencies, 0.95)).padStart(6)} ms  ` +
    `p99 ${ms(percentile(latencies, 0.99)).padStart(6)} ms  max ${ms(Math.max(...latencies)).padStart(6)} ms  ${Math.round(latencies.length / timing.seconds)} req/s  errors ${timing.errors}`
  );
}

function shuffle<T>(values: T[], next: () => number): T[] {
  const copy = [...values];
  for (let index = copy.length - 1; index > 0; index -= 1) {
    const other = Math.floor(next() * (index + 1));
    [copy[index], copy[other]] = [copy[other] as T, copy[index] as T];
  }
  return copy;
}

/** Log in as the guide through the dev login; returns the Cookie header (scrm_sid and its signature). */
async function devLogin(base: string, userId: string): Promise<string> {
  const response = await fetch(`${base}/api/auth/dev-login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ userId }) });
  if (response.status !== 200) {
    throw new Error(`dev-login answered ${response.status}: ${await response.text()}`);
  }
  const cookie = response.headers
    .getSetCookie()
    .map((header) => header.split(";")[0] as string)
    .filter((pair) => pair.startsWith("scrm_sid"))
    .join("; ");
  if (!cookie.includes("scrm_sid.sig=")) {
    throw new Error("dev-login set no signed session cookie");
  }
  // The seeded employee is a guide, so the profile goes through the guide's own-customer check.
  const { data } = (await response.json()) as { data: { role?: string } };
  if (data.role !== undefined && data.role !== "guide") {
    throw new Error(`${userId} logged in as ${data.role}, not as a guide`);
  }
  return cookie;
}

/** The JS and CSS the sidebar's index.html loads before anything renders, gzipped at level 9. */
function firstScreen(): { files: { file: string; raw: number; gz: number }[]; totalGz: number } {
  const html = fs.readFileSync(path.join(DIST, "sidebar", "index.html"), "utf8");
  const urls = new Set<string>();
  for (const tag of html.match(/<(script|link)\b[^>]*>/gi) ?? []) {
    const attribute = (name: string) => new RegExp(`\\b${name}\\s*=\\s*["']([^"']+)["']`, "i").exec(tag)?.[1];
    const rel = attribute("rel")?.toLowerCase();
    const url = tag.toLowerCase().startsWith("<script") ? attribute("src") : rel === "stylesheet" || rel === "modulepreload" ? attribute("href") : undefined;
    if (url && !/^(https?:)?\/\//.test(url)) {
      urls.add(url);
    }
  }
  const files = [...urls].map((url) => {
    const content = fs.readFileSync(path.join(DIST, url.replace(/^\//, "")));
    return { file: url, raw: content.length, gz: zlib.gzipSync(content, { level: 9 }).length };
  });
  return { files, totalGz: files.reduce((sum, file) => sum + file.gz, 0) };
}

async function main(): Promise<void> {
  configureLogger("warn");
  const runStarted = performance.now();
  console.log(
    `bench:sidebar  customers ${customerCount}  guides ${guideCount}  groups ${groupCount}  requests ${requestCount}  concurrency 1 and ${concurrency}  ` +
      `database ${process.env.MONGODB_URI ? "MONGODB_URI (database scrm_bench_sidebar)" : `embedded ${backend}`}`,
  );

  // The front end first: a vite build competes for the CPU with everything after it.
  let started = performance.now();
  const stale = frontendIsStale();
  if (stale) {
    buildFrontend({ quiet: true });
  }
  const screen = firstScreen();
  console.log(`  first screen (sidebar/dist/sidebar/index.html${stale ? `, built in ${((performance.now() - started) / 1000).toFixed(1)} s` : ", up to date"}):`);
  for (const file of screen.files) {
    console.log(`    ${file.file.padEnd(40)} ${(file.raw / 1024).toFixed(1).padStart(7)} KB  ${(file.gz / 1024).toFixed(1).padStart(6)} KB gz`);
  }

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "scrm-bench-sidebar-"));
  let uri: string | undefined;
  if (process.env.MONGODB_URI) {
    const external = new URL(process.env.MONGODB_URI);
    external.pathname = "/scrm_bench_sidebar";
    uri = external.toString();
  }
  const database = await connectDatabase({ uri, backend, dataDir: path.join(dir, "db"), dbName: "bench_sidebar" });
  let server: Server | null = null;
  try {
    if (uri) {
      await mongoose.connection.db?.dropDatabase();
      for (const model of Object.values(mongoose.models)) {
        await model.createIndexes();
      }
    }
    const now = new Date();
    started = performance.now();
    const followedBy = await seed(now);
    const seedSeconds = (performance.now() - started) / 1000;
    console.log(`  seeded in ${seedSeconds.toFixed(1)} s`);

    const app = createApp({
      callbackSecrets: null,
      apiToken: undefined,
      // Never called by these routes; a closed port if it were.
      wecom: new WeComClient({ baseUrl: "http://127.0.0.1:9", corpId: "wwBenchCorp0001", secrets: { contact: "bench", agent: "bench" } }),
      sessionKeys: ["bench-sidebar-session-key-0123456789abcdef"],
      devLogin: true,
      standIn: true,
      frontendDir: DIST,
    });
    server = await new Promise<Server>((resolve) => {
      const listening = app.listen(0, "127.0.0.1", () => resolve(listening));
    });
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const guide = guideOf(0);
    const cookie = await devLogin(base, guide);
    const mine = followedBy.get(guide) ?? [];
    if (mine.length === 0) {
      throw new Error(`${guide} follows no customers`);
    }
    const next = random(Number(args.seed) + 1);
    const profilePaths = (count: number) => {
      const order = shuffle(mine, next);
      while (order.length < count) {
        order.push(mine[Math.floor(next() * mine.length)] as string);
      }
      return order.map((externalUserId) => `/api/sidebar/customers/${encodeURIComponent(externalUserId)}`);
    };
    const total = Math.max(requestCount, mine.length);
    const mePaths = Array.from({ length: total }, () => "/api/auth/me");
    console.log(`  ${guide} follows ${mine.length} customers (active); ${total} requests per run, each customer at least once`);

    // Unmeasured warm-up of both routes (JIT, the JVM's code paths, connection pool).
    await measure(base, profilePaths(warmupCount).slice(0, warmupCount), concurrency, cookie);
    await measure(base, mePaths.slice(0, warmupCount), concurrency, cookie);

    const results: Record<string, Timing> = {};
    for (const workers of [1, concurrency]) {
      results[`profile c${workers}`] = await measure(base, profilePaths(total), workers, cookie);
      console.log(describe(`profile      concurrency ${workers}`, results[`profile c${workers}`] as Timing));
      results[`me c${workers}`] = await measure(base, mePaths, workers, cookie);
      console.log(describe(`/api/auth/me concurrency ${workers}`, results[`me c${workers}`] as Timing));
    }
    const errors = Object.values(results).reduce((sum, timing) => sum + timing.errors, 0);
    if (errors > 0) {
      throw new Error(`${errors} requests did not answer 200`);
    }

    const profile = results["profile c1"] as Timing;
    const me = results["me c1"] as Timing;
    const profileC = results[`profile c${concurrency}`] as Timing;
    const meC = results[`me c${concurrency}`] as Timing;
    const ratio = percentile(profile.latencies, 0.95) / percentile(me.latencies, 0.95);
    console.log(
      `  at concurrency ${concurrency}: profile p95 ${ms(percentile(profileC.latencies, 0.95))} ms, /api/auth/me p95 ${ms(percentile(meC.latencies, 0.95))} ms, ` +
        `ratio ${(percentile(profileC.latencies, 0.95) / percentile(meC.latencies, 0.95)).toFixed(1)}`,
    );
    console.log(
      `  run time ${((performance.now() - runStarted) / 1000).toFixed(1)} s (seeding ${seedSeconds.toFixed(1)} s); bench process max RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB; ` +
        `load average ${os.loadavg().map((load) => load.toFixed(1)).join(" ")} on ${os.availableParallelism()} CPUs (the scans are CPU-bound: other work inflates them)`,
    );
    console.log(
      `sidebar: profile p95 ${ms(percentile(profile.latencies, 0.95))}ms (p50 ${ms(percentile(profile.latencies, 0.5))}, p99 ${ms(percentile(profile.latencies, 0.99))}) at ${customerCount} customers; ` +
        `baseline /api/auth/me p95 ${ms(percentile(me.latencies, 0.95))}ms ratio ${ratio.toFixed(1)}; first screen ${(screen.totalGz / 1024).toFixed(1)} KB gz`,
    );
  } finally {
    if (server) {
      const closing = server;
      await new Promise<void>((resolve) => {
        closing.close(() => resolve());
        closing.closeAllConnections();
      });
    }
    if (uri && !args.keep) {
      await mongoose.connection.db?.dropDatabase();
    }
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
