// bench:callbacks — acknowledged WeCom deliveries per second through the full pipeline
// (verify, decrypt, parse, store with a unique key, answer; the processor running behind it and
// calling a stand-in WeCom), against a baseline that only verifies, decrypts and answers.
// Both servers run as separate processes; autocannon runs here. In the same run it times the
// database alone on the write a delivery waits for (bench/dbCeiling.ts), in the batch sizes the
// pipeline's group commit produced, and reports where the pipeline's time went.
//
//   npm run bench:callbacks -- [--duration 10] [--connections 32] [--backend h2|memory] [--warmup 3] [--processor on|off] [--profile DIR]
//
// --profile DIR records the measured window only: the server's CPU profile (server.cpuprofile)
// and the database JVM's Flight Recorder (database.jfr, needs jcmd and jfr from the JDK), and
// prints where each spent its time.
import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { MongoClient } from "mongodb";
import { startEmbeddedMongo } from "../server/db/embeddedMongo.ts";
import { PID_FILE, readPidFile } from "../server/db/embeddedPidFile.ts";
import { sealMessage } from "../server/wecom/callbackCrypto.ts";
import { benchCustomer, benchMessageXml, benchSecrets as secrets } from "./callbackMessages.ts";
import { buildEventDocuments, measureDbCeiling } from "./dbCeiling.ts";
import { cpuSeconds, freePort, jcmd, probeSnapshot, startProcess, stopProcess } from "./benchProcesses.ts";
import { summarizeCpuProfile, summarizeJfr } from "./profileSummary.ts";
import type { CommandTally, ProbeSnapshot } from "./serverProbe.ts";

const { values: args } = parseArgs({
  options: {
    duration: { type: "string", default: "10" },
    connections: { type: "string", default: "32" },
    backend: { type: "string", default: "h2" },
    warmup: { type: "string", default: "3" },
    processor: { type: "string", default: "on" },
    profile: { type: "string" },
  },
});
const duration = Number(args.duration);
const connections = Number(args.connections);
const backend = args.backend === "memory" ? "memory" : "h2";
const warmup = Number(args.warmup);
const processorOn = args.processor !== "off";
const profileDir = args.profile ? path.resolve(args.profile) : null;

const PROBE = fileURLToPath(new URL("./serverProbe.ts", import.meta.url));

interface Delivery {
  customer: string;
  path: string;
  body: string;
}

function buildDeliveries(count: number, prefix: string): Delivery[] {
  const deliveries: Delivery[] = [];
  for (let index = 0; index < count; index += 1) {
    const sealed = sealMessage(secrets, benchMessageXml(prefix, index));
    const query = new URLSearchParams({ msg_signature: sealed.signature, timestamp: sealed.timestamp, nonce: sealed.nonce });
    deliveries.push({
      customer: benchCustomer(prefix, index),
      path: `/wecom/callback?${query}`,
      body: `<xml><ToUserName><![CDATA[${secrets.receiveId}]]></ToUserName><Encrypt><![CDATA[${sealed.encrypted}]]></Encrypt><AgentID><![CDATA[1000002]]></AgentID></xml>`,
    });
  }
  return deliveries;
}

/** A stand-in for WeCom's API so the processor does real work during the run. */
async function startWeComStandIn(): Promise<{ url: string; close(): void; calls: () => number }> {
  let calls = 0;
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://x");
    response.setHeader("content-type", "application/json");
    if (url.pathname === "/cgi-bin/gettoken") {
      response.end(JSON.stringify({ errcode: 0, errmsg: "ok", access_token: "BENCH_TOKEN", expires_in: 7200 }));
      return;
    }
    calls += 1;
    const externalUserId = url.searchParams.get("external_userid") ?? "";
    const guide = `guide_${Number(externalUserId.slice(-10)) % 50}`;
    response.end(
      JSON.stringify({
        errcode: 0,
        errmsg: "ok",
        external_contact: { external_userid: externalUserId, name: "顾客", type: 1, gender: 0 },
        follow_user: [{ userid: guide, remark: "", createtime: 1_700_000_000, add_way: 1, state: "store_1", tags: [] }],
        next_cursor: "",
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close(), calls: () => calls };
}


function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;
}

/** What the server did in the measured window, per acknowledged delivery. */
function describeWindow(before: ProbeSnapshot, after: ProbeSnapshot, acked: number, seconds: number): string[] {
  const sizes = after.eventInsertSizes.slice(before.eventInsertSizes.length);
  const sorted = [...sizes].sort((a, b) => a - b);
  const mean = sizes.reduce((sum, size) => sum + size, 0) / Math.max(1, sizes.length);
  const lines = [
    `  group commit: ${sizes.length} inserts into events, ${mean.toFixed(1)} documents each on average ` +
      `(p50 ${percentile(sorted, 50)}, p90 ${percentile(sorted, 90)}, max ${sorted.at(-1) ?? 0}), up to ${after.maxEventInsertsInFlight} in flight`,
  ];
  const rows = Object.entries(after.commands)
    .map(([key, total]) => {
      const start: CommandTally = before.commands[key] ?? { commands: 0, statements: 0, ms: 0 };
      return { key, commands: total.commands - start.commands, statements: total.statements - start.statements, ms: total.ms - start.ms };
    })
    .filter((row) => row.commands > 0)
    .sort((a, b) => b.ms - a.ms);
  lines.push(`  database commands per acked delivery (round trips, statements, ms waited; processor included):`);
  for (const row of rows.slice(0, 14)) {
    lines.push(
      `    ${row.key.padEnd(28)} ${(row.commands / acked).toFixed(3).padStart(7)} ${(row.statements / acked).toFixed(3).padStart(7)} ${(row.ms / acked).toFixed(2).padStart(8)}`,
    );
  }
  const active = after.loop.active - before.loop.active;
  const idle = after.loop.idle - before.loop.idle;
  const cpu = (after.cpu.user + after.cpu.system - before.cpu.user - before.cpu.system) / 1e6;
  lines.push(`  server process: ${cpu.toFixed(1)} CPU s in ${seconds} s, event loop busy ${((100 * active) / (active + idle)).toFixed(0)}%`);
  return lines;
}

interface LoadResult {
  acked: number;
  perSecond: number;
  p99: number;
  errors: number;
  /** Customer ids of the deliveries answered 200. */
  ackedCustomers: Set<string>;
}

async function load(url: string, deliveries: Delivery[], seconds = duration): Promise<LoadResult> {
  let next = 0;
  const ackedCustomers = new Set<string>();
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    method: "POST",
    headers: { "content-type": "text/xml" },
    requests: [
      {
        // One request in flight per connection, so the connection's context names its delivery.
        setupRequest(request: autocannon.Request, context: object) {
          const delivery = deliveries[next % deliveries.length] as Delivery;
          next += 1;
          (context as Record<string, unknown>).customer = delivery.customer;
          return { ...request, path: delivery.path, body: delivery.body };
        },
        onResponse(status: number, _body: string, context: object) {
          if (status === 200) {
            ackedCustomers.add(String((context as Record<string, unknown>).customer));
          }
        },
      },
    ],
  });
  if (next > deliveries.length) {
    throw new Error(`the pool of ${deliveries.length} deliveries ran out; raise it`);
  }
  return {
    acked: result["2xx"],
    perSecond: result["2xx"] / seconds,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx + result.timeouts,
    ackedCustomers,
  };
}

/** Wait until `count` events are processed (or the processor is off and nothing moves). */
async function waitProcessed(client: MongoClient, count: number): Promise<number> {
  const events = client.db().collection("events");
  let done = await events.countDocuments({ status: "done" });
  let last = { done, at: Date.now() };
  while (done < count) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    done = await events.countDocuments({ status: "done" });
    if (done > last.done) {
      last = { done, at: Date.now() };
    } else if (Date.now() - last.at > 10_000) {
      break;
    }
  }
  return done;
}

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "scrm-bench-"));
  process.stdout.write(
    `bench:callbacks  duration ${duration}s  connections ${connections}  embedded backend ${backend}  processor ${args.processor}  load average ${os.loadavg().map((load) => load.toFixed(2)).join(" ")}\n`,
  );
  const poolSize = Math.max(50_000, duration * 25_000);
  const started = Date.now();
  const pipelineDeliveries = buildDeliveries(poolSize, "P");
  const baselineDeliveries = buildDeliveries(poolSize, "B");
  process.stdout.write(`  sealed ${poolSize * 2} deliveries in ${Date.now() - started} ms\n`);

  const database = await startEmbeddedMongo({ backend, dataDir, dbName: "scrm_bench" });
  const databasePid = readPidFile(path.join(dataDir, PID_FILE));
  const wecom = await startWeComStandIn();
  const probeFile = path.join(dataDir, "probe.json");
  const children: ChildProcess[] = [];
  try {
    const healthy = async (url: string) => (await fetch(`${url}/healthz`)).status === 200;
    const pipelinePort = await freePort();
    const pipelineUrl = `http://127.0.0.1:${pipelinePort}`;
    const pipelineServer = await startProcess(
      "server/main.ts",
      [],
      {
        NODE_ENV: "development",
        PORT: String(pipelinePort),
        HOST: "127.0.0.1",
        MONGODB_URI: database.uri,
        WECOM_CORP_ID: secrets.receiveId,
        WECOM_CALLBACK_TOKEN: secrets.token,
        WECOM_CALLBACK_AES_KEY: secrets.aesKey,
        WECOM_CONTACT_SECRET: "bench-secret",
        WECOM_API_BASE: wecom.url,
        LOG_LEVEL: "warn",
        EVENT_PROCESSOR: processorOn ? "1" : "0",
        BENCH_PROBE_FILE: probeFile,
        ...(profileDir ? { BENCH_CPU_PROFILE: path.join(profileDir, "server.cpuprofile") } : {}),
      },
      healthy,
      pipelineUrl,
      ["--import", PROBE],
    );
    children.push(pipelineServer);
    const baselinePort = await freePort();
    const baselineUrl = `http://127.0.0.1:${baselinePort}`;
    const probe = buildDeliveries(1, "Probe")[0] as Delivery;
    children.push(
      await startProcess(
        "bench/baselineServer.ts",
        [String(baselinePort), secrets.token, secrets.aesKey, secrets.receiveId],
        {},
        async (url) => (await fetch(`${url}${probe.path}`, { method: "POST", body: probe.body })).status === 200,
        baselineUrl,
      ),
    );

    // Each server gets the same unmeasured warm-up (JIT, and the JVM behind the pipeline), and is
    // measured alone: the baseline first, the pipeline once its warm-up backlog is processed.
    const warmupPool = Math.max(20_000, warmup * 25_000);
    await load(baselineUrl, buildDeliveries(warmupPool, "WB"), warmup);
    const baselinePid = children.at(-1)?.pid;
    const baselineCpu = cpuSeconds(baselinePid);
    const baseline = await load(baselineUrl, baselineDeliveries);
    const baselineCpuMs = (1000 * (cpuSeconds(baselinePid) - baselineCpu)) / Math.max(1, baseline.acked);
    process.stdout.write(
      `  baseline  (verify+decrypt+answer): ${baseline.perSecond.toFixed(0)} acked/s  p99 ${baseline.p99} ms  errors ${baseline.errors}  ` +
        `${baselineCpuMs.toFixed(2)} CPU ms per delivery\n`,
    );
    await stopProcess(children.pop() as ChildProcess);
    await load(pipelineUrl, buildDeliveries(warmupPool, "WP"), warmup);
    const warmed = await MongoClient.connect(database.uri);
    const warmupEvents = await warmed.db().collection("events").countDocuments({});
    if (processorOn) {
      await waitProcessed(warmed, warmupEvents);
    }
    await warmed.close();
    if (profileDir) {
      fs.mkdirSync(profileDir, { recursive: true });
      jcmd(databasePid, "JFR.start", "name=bench", "settings=profile", `filename=${path.join(profileDir, "database.jfr")}`);
    }
    const before = await probeSnapshot(pipelineServer, probeFile);
    const cpuBefore = { database: cpuSeconds(databasePid), bench: process.cpuUsage() };
    const pipeline = await load(pipelineUrl, pipelineDeliveries);
    const cpuAfter = { database: cpuSeconds(databasePid), bench: process.cpuUsage(cpuBefore.bench) };
    const after = await probeSnapshot(pipelineServer, probeFile);
    if (profileDir) {
      jcmd(databasePid, "JFR.stop", "name=bench");
    }
    process.stdout.write(
      `  pipeline  (…+parse+store+process): ${pipeline.perSecond.toFixed(0)} acked/s  p99 ${pipeline.p99} ms  errors ${pipeline.errors}\n`,
    );
    for (const line of describeWindow(before, after, pipeline.acked, duration)) {
      process.stdout.write(`${line}\n`);
    }
    const serverCpu = (after.cpu.user + after.cpu.system - before.cpu.user - before.cpu.system) / 1000;
    const databaseCpu = 1000 * (cpuAfter.database - cpuBefore.database);
    process.stdout.write(
      `  CPU ms per acked delivery: server ${(serverCpu / pipeline.acked).toFixed(2)}, database JVM ${(databaseCpu / pipeline.acked).toFixed(2)}; ` +
        `bench (autocannon) ${((cpuAfter.bench.user + cpuAfter.bench.system) / 1e6).toFixed(1)} CPU s; ` +
        `${os.cpus().length} cores; load average ${os.loadavg().map((load) => load.toFixed(2)).join(" ")}\n`,
    );

    const client = await MongoClient.connect(database.uri);
    const events = client.db().collection("events");
    const stored = (await events.countDocuments({})) - warmupEvents;
    // Warm-up customers are "wmWP…", measured ones "wmP…": only the latter are checked.
    const storedCustomers = new Set(
      (await events.find({}, { projection: { "payload.ExternalUserID": 1 } }).toArray()).map(
        (event) => (event.payload as { ExternalUserID: string }).ExternalUserID,
      ),
    );
    const lost = [...pipeline.ackedCustomers].filter((customer) => !storedCustomers.has(customer)).length;
    if (processorOn) {
      const drainStarted = Date.now();
      const processedDuringRun = (await events.countDocuments({ status: "done" })) - warmupEvents;
      const done = (await waitProcessed(client, stored + warmupEvents)) - warmupEvents;
      const drainSeconds = (Date.now() - drainStarted) / 1000;
      const customers = await client.db().collection("customers").countDocuments({});
      process.stdout.write(
        `  stored ${stored} events; processed ${processedDuringRun} during the run, all ${done} after ${drainSeconds.toFixed(1)} s more; ${customers} customers; ${wecom.calls()} WeCom reads\n`,
      );
    } else {
      process.stdout.write(`  stored ${stored} events (processor off)\n`);
    }
    const indexes = (await events.indexes()).map((index) => `${index.name}${index.unique || index.name === "_id_" ? " (unique)" : ""}`);
    await client.close();
    process.stdout.write(`  events indexes: ${indexes.join(", ")}\n`);

    // The database alone, once the pipeline server is gone and nothing else writes to it.
    await stopProcess(children.pop() as ChildProcess);
    const sizes = after.eventInsertSizes.slice(before.eventInsertSizes.length);
    const docs = buildEventDocuments("D", Math.max(duration, warmup) * 8_000);
    const ceiling = await measureDbCeiling(docs, {
      uri: database.uri,
      dbName: "scrm_bench_ceiling",
      batchSizes: sizes,
      inFlight: Math.max(1, after.maxEventInsertsInFlight),
      seconds: duration,
      warmupSeconds: warmup,
      databaseCpuSeconds: () => cpuSeconds(databasePid),
    });
    process.stdout.write(
      `  database alone (same documents, ${ceiling.indexes.join(", ")}; the pipeline's ${sizes.length} batch sizes replayed, ` +
        `${Math.max(1, after.maxEventInsertsInFlight)} in flight): ${ceiling.perSecond.toFixed(0)} inserted/s in ${ceiling.inserts} inserts; ` +
        `database JVM ${ceiling.cpuMsPerDocument.toFixed(2)} CPU ms per document\n`,
    );

    if (profileDir) {
      for (const line of [...summarizeCpuProfile(path.join(profileDir, "server.cpuprofile")), ...summarizeJfr(path.join(profileDir, "database.jfr"))]) {
        process.stdout.write(`  ${line}\n`);
      }
    }

    const ratio = pipeline.perSecond / baseline.perSecond;
    process.stdout.write(`  pipeline p99 ${pipeline.p99} ms (target < 200 ms)\n`);
    process.stdout.write(
      `callbacks: ${pipeline.perSecond.toFixed(0)}/s baseline: ${baseline.perSecond.toFixed(0)}/s ratio: ${ratio.toFixed(2)} lost: ${lost} ` +
        `db: ${ceiling.perSecond.toFixed(0)}/s of-db: ${(pipeline.perSecond / ceiling.perSecond).toFixed(2)}\n`,
    );
  } finally {
    for (const child of children) {
      await stopProcess(child);
    }
    wecom.close();
    await database.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
