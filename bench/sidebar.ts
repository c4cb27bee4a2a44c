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
import { configureLogger } from "../server/logging/logger.ts";
import "../server/models/index.ts";
import { WeComClient } from "../server/wecom/client.ts";
import { random } from "./random.ts";
import { guideOf, seedBrand } from "./sidebarSeed.ts";

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
    const followedBy = await seedBrand({ customers: customerCount, guides: guideCount, groups: groupCount, batch: batchSize, seed: Number(args.seed), now });
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
