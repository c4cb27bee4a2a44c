// bench:dashboards — how fast the completion dashboards (完成率) answer on a brand's worth of
// rollups, against a baseline of GET /api/auth/me in the same run, and how fast the daily task
// job goes over the members.
//
//   npm run bench:dashboards -- [--regions 20] [--stores 500] [--guides 5000] [--days 90]
//                               [--period 90] [--requests 200] [--members 200000] [--no-tasks]
//
// Seeds --regions regions of --stores stores and --guides guides (Department, Employee), then
// --days days of completion facts per guide (tasks due / done / on time by kind, moments and mass
// messages assigned and done, greetings, adds, recruits: three keyed facts per guide and day)
// THROUGH countCompletionMany, the rollups' own bulk path (guide days inserted whole, each store,
// region and company day built from its children's snapshots, as countCompletion leaves them).
// The real app (createApp, dev login as an admin) listens on loopback in this process; the
// company view, a random region's, store's and guide's view over the last --period days and the
// baseline are each requested --requests times, one at a time, after an unmeasured warm-up.
// Latency is performance.now() around fetch (body read). Then live facts: countCompletion on
// today's days of random guides (each a guide day and three parents, by { _id, version }).
//
// Then, unless --no-tasks, the daily task generation (taskGenerator, what GenerateTasksJob runs)
// over --members members with a guide each (birthdays spread over the year, last purchases over
// the last 200 days), in a child process on the same database, whose peak RSS is the figure.
//
// The last line:
//   dashboards: company p95: X region p95: X store p95: X guide p95: X baseline p95: X ratio: X
import { spawn } from "node:child_process";
import fs from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import mongoose from "mongoose";
import { createApp } from "../server/app.ts";
import { countCompletion, countCompletionMany, type CompletionFact } from "../server/commands/completionRollup.ts";
import taskGenerator from "../server/commands/taskGenerator.ts";
import { connectDatabase } from "../server/db/connection.ts";
import { chinaDate } from "../server/domain/chinaTime.ts";
import { TASK_KINDS, type CompletionFigures } from "../server/domain/tasks.ts";
import { configureLogger } from "../server/logging/logger.ts";
import "../server/models/index.ts";
import { CompletionDay } from "../server/models/CompletionDay.ts";
import { Department } from "../server/models/Department.ts";
import { Employee } from "../server/models/Employee.ts";
import { Member } from "../server/models/Member.ts";
import { Task } from "../server/models/Task.ts";
import { WeComClient } from "../server/wecom/client.ts";
import { random } from "./random.ts";

const { values: args } = parseArgs({
  options: {
    regions: { type: "string", default: "20" },
    stores: { type: "string", default: "500" },
    guides: { type: "string", default: "5000" },
    days: { type: "string", default: "90" },
    period: { type: "string", default: "90" },
    requests: { type: "string", default: "200" },
    warmup: { type: "string", default: "30" },
    members: { type: "string", default: "200000" },
    "no-tasks": { type: "boolean", default: false },
    seed: { type: "string", default: "20261205" },
    child: { type: "boolean", default: false },
    uri: { type: "string" },
    now: { type: "string" },
  },
});
const DAY = 86_400_000;
const regionCount = Number(args.regions);
const storeCount = Number(args.stores);
const guideCount = Number(args.guides);
const dayCount = Number(args.days);
const periodDays = Number(args.period);
const requestCount = Number(args.requests);

const regionId = (index: number) => String(100 + index);
const storeId = (index: number) => String(10_000 + index);
const guideId = (index: number) => `g${String(index).padStart(5, "0")}`;
const storeOfGuide = (index: number) => index % storeCount;
const regionOfStore = (index: number) => index % regionCount;

function percentile(values: number[], share: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(share * sorted.length) - 1))] as number;
}
const ms = (value: number) => value.toFixed(1);

/** The directory: a root, the regions, their stores, the guides (and an admin who logs in). */
async function seedDirectory(): Promise<void> {
  await Department.insertMany([
    { departmentId: 1, name: "品牌", parentId: 0 },
    ...Array.from({ length: regionCount }, (_, index) => ({ departmentId: Number(regionId(index)), name: `区域${index + 1}`, parentId: 1 })),
    ...Array.from({ length: storeCount }, (_, index) => ({ departmentId: Number(storeId(index)), name: `门店${index + 1}`, parentId: Number(regionId(regionOfStore(index))) })),
  ]);
  for (let start = 0; start < guideCount; start += 5000) {
    await Employee.insertMany(
      Array.from({ length: Math.min(5000, guideCount - start) }, (_, offset) => {
        const index = start + offset;
        const store = Number(storeId(storeOfGuide(index)));
        return { userId: guideId(index), name: `导购${index + 1}`, mainDepartmentId: store, departmentIds: [store] };
      }),
    );
  }
  await Employee.create({ userId: "hq", name: "总部", role: "admin" });
}

/** A guide's day: three facts (tasks, campaigns, customers), with some guides much better than others. */
function factsOf(index: number, day: string, next: () => number): CompletionFact[] {
  const place = { userId: guideId(index), storeId: storeId(storeOfGuide(index)), regionId: regionId(regionOfStore(storeOfGuide(index))), day };
  const diligence = 0.3 + ((index * 7919) % 70) / 100;
  const tasks: Partial<CompletionFigures> = { tasksDue: 0, tasksDone: 0, tasksOnTime: 0 };
  for (const kind of TASK_KINDS) {
    const due = next() < 0.4 ? 1 + Math.floor(next() * 3) : 0;
    const done = Math.round(due * Math.min(1, diligence + next() * 0.2));
    const onTime = Math.round(done * diligence);
    Object.assign(tasks, { [`due_${kind}`]: due, [`done_${kind}`]: done, [`onTime_${kind}`]: onTime });
    tasks.tasksDue = (tasks.tasksDue ?? 0) + due;
    tasks.tasksDone = (tasks.tasksDone ?? 0) + done;
    tasks.tasksOnTime = (tasks.tasksOnTime ?? 0) + onTime;
  }
  const moments = next() < 0.3 ? 1 : 0;
  const mass = next() < 0.2 ? 1 : 0;
  const greetings = Math.floor(next() * 3);
  return [
    { ...place, key: `tasks:${day}`, inc: tasks },
    { ...place, key: `campaigns:${day}`, inc: { momentsAssigned: moments, momentsPublished: next() < diligence ? moments : 0, massAssigned: mass, massSent: next() < diligence ? mass : 0 } },
    { ...place, key: `customers:${day}`, inc: { greetingsDue: greetings, greetingsOnTime: Math.round(greetings * diligence), adds: Math.floor(next() * 4), membersRecruited: next() < 0.2 ? 1 : 0 } },
  ];
}

async function measure(base: string, paths: string[], cookie: string): Promise<number[]> {
  const latencies: number[] = [];
  for (const url of paths) {
    const sent = performance.now();
    const response = await fetch(`${base}${url}`, { headers: { cookie } });
    await response.arrayBuffer();
    latencies.push(performance.now() - sent);
    if (response.status !== 200) {
      throw new Error(`${url} answered ${response.status}`);
    }
  }
  return latencies;
}

async function devLogin(base: string, userId: string): Promise<string> {
  const response = await fetch(`${base}/api/auth/dev-login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ userId }) });
  if (response.status !== 200) {
    throw new Error(`dev-login answered ${response.status}: ${await response.text()}`);
  }
  return response.headers
    .getSetCookie()
    .map((header) => header.split(";")[0] as string)
    .filter((pair) => pair.startsWith("scrm_sid"))
    .join("; ");
}

/** Members with a guide and one customer each: what the daily job reads. */
async function seedMembers(count: number, now: Date, next: () => number): Promise<void> {
  for (let start = 0; start < count; start += 10_000) {
    const batch = Array.from({ length: Math.min(10_000, count - start) }, (_, offset) => {
      const index = start + offset;
      const month = 1 + Math.floor(next() * 12);
      const lastPurchaseAt = new Date(now.getTime() - Math.floor(next() * 200) * DAY);
      const purchaseTimes = [new Date(lastPurchaseAt.getTime() - (30 + Math.floor(next() * 60)) * DAY), lastPurchaseAt];
      return {
        memberNo: `M${String(index + 1).padStart(8, "0")}`,
        name: `会员${index + 1}`,
        birthday: `${String(month).padStart(2, "0")}-${String(1 + Math.floor(next() * 28)).padStart(2, "0")}`,
        levelCode: "regular",
        // What the model's defaults give every member (a raw insert knows no schema).
        levelChanges: [],
        growth: 0,
        points: 0,
        homeStoreId: null,
        tagIds: [],
        groupChatIds: [],
        externalUserIds: [`wmBench${index}`],
        guideUserIds: [guideId(index % guideCount)],
        mergedInto: null,
        metrics: { lastPurchaseAt, purchaseTimes, orderCount: 2 },
        joinedAt: new Date(now.getTime() - 400 * DAY),
      };
    });
    await Member.collection.insertMany(batch);
  }
}

/** The child: run the daily task job once, sampling its RSS, and print the figures as JSON. */
async function child(): Promise<void> {
  configureLogger("warn");
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 50);
  await mongoose.connect(String(args.uri), { autoIndex: false, autoCreate: false });
  const started = performance.now();
  const result = await taskGenerator({ now: new Date(String(args.now)) });
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  process.stdout.write(`${JSON.stringify({ seconds, peakMB: peak / 1024 / 1024, ...result })}\n`);
  await mongoose.disconnect();
}

function runChild(uri: string, now: Date): Promise<{ seconds: number; peakMB: number; members: number; claims: number; inserted: number; existing: number }> {
  const script = fileURLToPath(import.meta.url);
  const process_ = spawn(process.execPath, ["--import", "tsx", script, "--child", "--uri", uri, "--now", now.toISOString(), "--guides", String(guideCount)], { stdio: ["ignore", "pipe", "inherit"], env: { PATH: process.env.PATH ?? "" } });
  let last: string | null = null;
  readline.createInterface({ input: process_.stdout }).on("line", (line) => {
    last = line;
  });
  return new Promise((resolve, reject) =>
    process_.once("exit", (code) => {
      if (code !== 0 || !last) {
        reject(new Error(`task generation child exited with ${code}`));
        return;
      }
      resolve(JSON.parse(last));
    }),
  );
}

async function main(): Promise<void> {
  configureLogger("warn");
  const runStarted = performance.now();
  console.log(`bench:dashboards  regions ${regionCount}  stores ${storeCount}  guides ${guideCount}  days ${dayCount}  period ${periodDays}  requests ${requestCount}  members ${args["no-tasks"] ? "(no task job)" : args.members}  database embedded memory`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "scrm-bench-dashboards-"));
  const database = await connectDatabase({ backend: "memory", dataDir: path.join(dir, "db"), dbName: "bench_dashboards" });
  let server: Server | null = null;
  try {
    const now = new Date();
    const today = chinaDate(now);
    const days = Array.from({ length: dayCount }, (_, index) => chinaDate(new Date(now.getTime() - (dayCount - 1 - index) * DAY)));
    const next = random(Number(args.seed));
    let started = performance.now();
    await seedDirectory();
    let facts = 0;
    for (const [index, day] of days.entries()) {
      const dayFacts = Array.from({ length: guideCount }, (_, guide) => factsOf(guide, day, next)).flat();
      facts += await countCompletionMany(dayFacts);
      if ((index + 1) % 10 === 0) {
        process.stderr.write(`  seeded ${index + 1}/${dayCount} days (${((performance.now() - started) / 1000).toFixed(0)} s)\n`);
      }
    }
    const documents = await CompletionDay.estimatedDocumentCount();
    const seedSeconds = (performance.now() - started) / 1000;
    console.log(`  seeded ${facts} facts through countCompletionMany in ${seedSeconds.toFixed(1)} s: ${documents} rollup documents (a guide day each, and each store's, region's and the company's day)`);

    const app = createApp({
      callbackSecrets: null,
      apiToken: undefined,
      wecom: new WeComClient({ baseUrl: "http://127.0.0.1:9", corpId: "wwBenchCorp0001", secrets: { contact: "bench", agent: "bench" } }),
      sessionKeys: ["bench-dashboards-session-key-0123456789abcdef"],
      devLogin: true,
      standIn: true,
      now: () => now,
    });
    server = await new Promise<Server>((resolve) => {
      const listening = app.listen(0, "127.0.0.1", () => resolve(listening));
    });
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const cookie = await devLogin(base, "hq");
    const period = `from=${days[Math.max(0, dayCount - periodDays)]}&to=${today}`;
    const pick = (count: number) => Math.floor(next() * count);
    const views: Record<string, () => string> = {
      company: () => `/api/console/completion/company?${period}`,
      region: () => `/api/console/completion/regions/${regionId(pick(regionCount))}?${period}`,
      store: () => `/api/console/completion/stores/${storeId(pick(storeCount))}?${period}`,
      guide: () => `/api/console/completion/guides/${guideId(pick(guideCount))}?${period}`,
      baseline: () => "/api/auth/me",
    };
    const sample = await (await fetch(`${base}${views.store!()}`, { headers: { cookie } })).json() as { data: { rows: unknown[]; trend: unknown[] } };
    console.log(`  a store view: ${sample.data.rows.length} guides ranked, ${sample.data.trend.length} days of trend`);
    // The page's usual periods first (本月, 近30天: 30 days), unreported in the last line.
    const short = `from=${days[Math.max(0, dayCount - 30)]}&to=${today}`;
    for (const [name, path_] of Object.entries(views).filter(([view]) => view !== "baseline")) {
      const latencies = await measure(base, Array.from({ length: Math.min(requestCount, 100) }, () => path_().replace(period, short)), cookie);
      console.log(`  ${name.padEnd(9)} 30 days  p50 ${ms(percentile(latencies, 0.5)).padStart(6)} ms  p95 ${ms(percentile(latencies, 0.95)).padStart(6)} ms`);
    }
    const p95: Record<string, number> = {};
    for (const [name, path_] of Object.entries(views)) {
      await measure(base, Array.from({ length: Number(args.warmup) }, path_), cookie);
      const latencies = await measure(base, Array.from({ length: requestCount }, path_), cookie);
      p95[name] = percentile(latencies, 0.95);
      console.log(`  ${name.padEnd(9)} ${periodDays} days  p50 ${ms(percentile(latencies, 0.5)).padStart(6)} ms  p95 ${ms(percentile(latencies, 0.95)).padStart(6)} ms  p99 ${ms(percentile(latencies, 0.99)).padStart(6)} ms  max ${ms(Math.max(...latencies)).padStart(6)} ms`);
    }

    // Live facts on the full collection: each a guide day and three parents, written by { _id, version }.
    const live: number[] = [];
    for (let index = 0; index < 200; index += 1) {
      const guide = pick(guideCount);
      const sent = performance.now();
      await countCompletion({ userId: guideId(guide), storeId: storeId(storeOfGuide(guide)), regionId: regionId(regionOfStore(storeOfGuide(guide))), day: today, key: `live:${index}`, inc: { tasksDone: 1 } });
      live.push(performance.now() - sent);
    }
    console.log(`  live countCompletion on ${documents} documents: p50 ${ms(percentile(live, 0.5))} ms  p95 ${ms(percentile(live, 0.95))} ms`);

    if (!args["no-tasks"]) {
      const members = Number(args.members);
      started = performance.now();
      await seedMembers(members, now, next);
      console.log(`  seeded ${members} members in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      const run = await runChild(database.uri, now);
      console.log(
        `  task generation (taskGenerator, as GenerateTasksJob): ${run.members} members in ${run.seconds.toFixed(1)} s = ${Math.round(run.members / run.seconds)} members/s, ` +
          `${run.inserted} tasks made (${await Task.estimatedDocumentCount()} stored), peak RSS ${Math.round(run.peakMB)} MB`,
      );
    }
    const worst = Math.max(p95.company ?? 0, p95.region ?? 0, p95.store ?? 0, p95.guide ?? 0);
    console.log(`  run time ${((performance.now() - runStarted) / 1000).toFixed(0)} s; load average ${os.loadavg().map((load) => load.toFixed(1)).join(" ")} on ${os.availableParallelism()} CPUs; ratio = the slowest view's p95 / the baseline's`);
    console.log(
      `dashboards: company p95: ${ms(p95.company ?? 0)} region p95: ${ms(p95.region ?? 0)} store p95: ${ms(p95.store ?? 0)} guide p95: ${ms(p95.guide ?? 0)} baseline p95: ${ms(p95.baseline ?? 0)} ratio: ${(worst / (p95.baseline ?? 1)).toFixed(1)}`,
    );
  } finally {
    if (server) {
      const closing = server;
      await new Promise<void>((resolve) => {
        closing.close(() => resolve());
        closing.closeAllConnections();
      });
    }
    await database.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

(args.child ? child() : main()).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
