// bench:landing — a funnel's landing page under a crowd scanning at once. The real app serves
// /g/<slug> in its own process on the embedded database; in the same run the same app serves a
// static file of the same size (koa-static behind the same middleware), so the ratio shows what
// the page costs beyond answering at all. autocannon runs in this process.
//
//   npm run bench:landing -- [--duration 10] [--connections 200] [--backend memory|h2]
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import serve from "koa-static";
import mongoose from "mongoose";
import { createApp } from "../server/app.ts";
import { flushVisits } from "../server/commands/funnelVisits.ts";
import { startEmbeddedMongo } from "../server/db/embeddedMongo.ts";
import { configureLogger } from "../server/logging/logger.ts";
import { Funnel } from "../server/models/Funnel.ts";
import { Group } from "../server/models/Group.ts";
import { WeComClient } from "../server/wecom/client.ts";

const { values: args } = parseArgs({
  options: {
    duration: { type: "string", default: "10" },
    connections: { type: "string", default: "200" },
    backend: { type: "string", default: "memory" },
    warmup: { type: "string", default: "3" },
    serve: { type: "boolean", default: false },
    uri: { type: "string" },
    port: { type: "string" },
    dir: { type: "string" },
  },
});
const SLUG = "bench-live";
const STATIC = "/bench-static/landing.html";

/** The server side (a child process): seed one funnel, then serve the app plus the static file. */
async function serveApp(): Promise<void> {
  configureLogger("warn");
  await mongoose.connect(String(args.uri), { autoIndex: false });
  for (const model of Object.values(mongoose.models)) {
    await model.createIndexes();
  }
  await Group.create({ chatId: "wrBenchChat01", name: "直播间福利一群", ownerId: "guide01", members: [] });
  await Funnel.create({
    slug: SLUG,
    name: "直播间会员福利群",
    landingText: "进群领 20 元无门槛券，每周三会员专享秒杀",
    state: "g-bench-live",
    joinWay: { configId: "cfg-bench", qrCode: "https://wework.qpic.cn/wwpic/bench-qr/0", chatIds: ["wrBenchChat01"], syncedVersion: 0 },
    groups: [{ key: "wrBenchChat01", kind: "wecom", chatId: "wrBenchChat01", name: "直播间福利一群", memberCount: 12 }],
  });
  // No WeCom call happens on the landing path; the client only has to exist.
  const wecom = new WeComClient({ baseUrl: "http://127.0.0.1:9", corpId: "bench", secrets: {} });
  const app = createApp({ callbackSecrets: null, apiToken: undefined, wecom, sessionKeys: ["b".repeat(40)], frontendDir: null });
  const dir = String(args.dir);
  app.use(serve(dir));
  const server = app.listen(Number(args.port), "127.0.0.1", async () => {
    const page = await (await fetch(`http://127.0.0.1:${args.port}/g/${SLUG}`)).text();
    fs.mkdirSync(path.join(dir, "bench-static"), { recursive: true });
    // Same byte count as the page, so both answers put the same bytes on the wire.
    fs.writeFileSync(path.join(dir, STATIC), Buffer.alloc(Buffer.byteLength(page), "x"));
    process.stdout.write(`READY ${Buffer.byteLength(page)}\n`);
  });
  process.on("SIGTERM", () => {
    server.close();
    void flushVisits().finally(() => mongoose.disconnect().finally(() => process.exit(0)));
  });
}

async function freePort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function startServer(uri: string, port: number, dir: string): Promise<{ child: ChildProcess; bytes: number }> {
  const script = fileURLToPath(import.meta.url);
  const child = spawn(process.execPath, ["--import", "tsx", script, "--serve", "--uri", uri, "--port", String(port), "--dir", dir], {
    env: { PATH: process.env.PATH ?? "", NODE_ENV: "development" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const bytes = await new Promise<number>((resolve, reject) => {
    let output = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const ready = /READY (\d+)/.exec(output);
      if (ready) {
        resolve(Number(ready[1]));
      }
    });
    child.once("exit", (code) => reject(new Error(`landing server exited (${code})`)));
    setTimeout(() => reject(new Error("landing server did not start")), 60_000).unref();
  });
  return { child, bytes };
}

async function load(url: string, seconds: number, connections: number): Promise<{ perSecond: number; p99: number; errors: number; requests: number }> {
  const result = await autocannon({ url, connections, duration: seconds });
  return { perSecond: result["2xx"] / seconds, p99: result.latency.p99, errors: result.errors + result.non2xx + result.timeouts, requests: result["2xx"] };
}

async function main(): Promise<void> {
  const duration = Number(args.duration);
  const connections = Number(args.connections);
  const warmup = Number(args.warmup);
  const backend = args.backend === "h2" ? "h2" : "memory";
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "scrm-bench-landing-"));
  const loadAverage = () => os.loadavg().map((value) => value.toFixed(2)).join(" ");
  process.stdout.write(`bench:landing  duration ${duration}s  connections ${connections}  embedded backend ${backend}  cpus ${os.cpus().length}  load average ${loadAverage()}\n`);
  const database = await startEmbeddedMongo({ backend, dataDir, dbName: "scrm_bench_landing" });
  let child: ChildProcess | null = null;
  try {
    const port = await freePort();
    const started = await startServer(database.uri, port, dataDir);
    child = started.child;
    const base = `http://127.0.0.1:${port}`;
    process.stdout.write(`  page ${started.bytes} bytes; static file of the same size at ${STATIC}\n`);
    await load(`${base}/g/${SLUG}`, warmup, connections);
    await load(`${base}${STATIC}`, warmup, connections);
    const landing = await load(`${base}/g/${SLUG}`, duration, connections);
    process.stdout.write(`  landing  /g/${SLUG}: ${landing.perSecond.toFixed(0)}/s  p99 ${landing.p99} ms  errors ${landing.errors}\n`);
    const baseline = await load(`${base}${STATIC}`, duration, connections);
    process.stdout.write(`  baseline ${STATIC}: ${baseline.perSecond.toFixed(0)}/s  p99 ${baseline.p99} ms  errors ${baseline.errors}\n`);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const client = mongoose.createConnection(database.uri);
    const stored = await client.collection("funnels").findOne({ slug: SLUG });
    await client.close();
    const visits = Number((stored?.stats as { visits?: number } | undefined)?.visits ?? 0);
    process.stdout.write(`  visits counted ${visits} (warm-up and measured requests: every answer counts); load average after ${loadAverage()}\n`);
    process.stdout.write(`  targets: ratio ≥ 0.5, p99 < 100 ms\n`);
    const ratio = landing.perSecond / baseline.perSecond;
    process.stdout.write(`landing: ${landing.perSecond.toFixed(0)}/s p99: ${landing.p99} baseline: ${baseline.perSecond.toFixed(0)}/s ratio: ${ratio.toFixed(2)}\n`);
  } finally {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child?.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
    await database.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

(args.serve ? serveApp() : main()).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
