// bench:callbacks — acknowledged WeCom deliveries per second through the full pipeline
// (verify, decrypt, parse, store with a unique key, answer; the processor running behind it and
// calling a stand-in WeCom), against a baseline that only verifies, decrypts and answers.
// Both servers run as separate processes; autocannon runs here.
//
//   npm run bench:callbacks -- [--duration 10] [--connections 32] [--backend h2|memory] [--warmup 3] [--processor on|off]
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { MongoClient } from "mongodb";
import { startEmbeddedMongo } from "../server/db/embeddedMongo.ts";
import { sealMessage } from "../server/wecom/callbackCrypto.ts";

const { values: args } = parseArgs({
  options: {
    duration: { type: "string", default: "10" },
    connections: { type: "string", default: "32" },
    backend: { type: "string", default: "h2" },
    warmup: { type: "string", default: "3" },
    processor: { type: "string", default: "on" },
  },
});
const duration = Number(args.duration);
const connections = Number(args.connections);
const backend = args.backend === "memory" ? "memory" : "h2";
const warmup = Number(args.warmup);

const secrets = { token: "BenchToken01", aesKey: "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C", receiveId: "wwBenchCorp0001" };

interface Delivery {
  customer: string;
  path: string;
  body: string;
}

function buildDeliveries(count: number, prefix: string): Delivery[] {
  const deliveries: Delivery[] = [];
  for (let index = 0; index < count; index += 1) {
    const externalUserId = `wm${prefix}${String(index).padStart(10, "0")}`;
    const xml =
      `<xml><ToUserName><![CDATA[${secrets.receiveId}]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName>` +
      `<CreateTime>${1_700_000_000 + index}</CreateTime><MsgType><![CDATA[event]]></MsgType>` +
      `<Event><![CDATA[change_external_contact]]></Event><ChangeType><![CDATA[add_external_contact]]></ChangeType>` +
      `<UserID><![CDATA[guide_${index % 50}]]></UserID><ExternalUserID><![CDATA[${externalUserId}]]></ExternalUserID>` +
      `<State><![CDATA[store_${index % 20}]]></State><WelcomeCode><![CDATA[WELCOME${index}]]></WelcomeCode></xml>`;
    const sealed = sealMessage(secrets, xml);
    const query = new URLSearchParams({ msg_signature: sealed.signature, timestamp: sealed.timestamp, nonce: sealed.nonce });
    deliveries.push({
      customer: externalUserId,
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

async function freePort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function startProcess(script: string, argv: string[], env: Record<string, string>, ready: (url: string) => Promise<boolean>, url: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", script, ...argv], {
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (await ready(url).catch(() => false)) {
      return child;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  child.kill("SIGKILL");
  throw new Error(`${script} did not start`);
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
    `bench:callbacks  duration ${duration}s  connections ${connections}  embedded backend ${backend}  processor ${args.processor}\n`,
  );
  const poolSize = Math.max(50_000, duration * 25_000);
  const started = Date.now();
  const pipelineDeliveries = buildDeliveries(poolSize, "P");
  const baselineDeliveries = buildDeliveries(poolSize, "B");
  process.stdout.write(`  sealed ${poolSize * 2} deliveries in ${Date.now() - started} ms\n`);

  const database = await startEmbeddedMongo({ backend, dataDir, dbName: "scrm_bench" });
  const wecom = await startWeComStandIn();
  const children: ChildProcess[] = [];
  try {
    const healthy = async (url: string) => (await fetch(`${url}/healthz`)).status === 200;
    const pipelinePort = await freePort();
    const pipelineUrl = `http://127.0.0.1:${pipelinePort}`;
    children.push(
      await startProcess(
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
          EVENT_PROCESSOR: args.processor === "off" ? "0" : "1",
        },
        healthy,
        pipelineUrl,
      ),
    );
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
    const baseline = await load(baselineUrl, baselineDeliveries);
    process.stdout.write(
      `  baseline  (verify+decrypt+answer): ${baseline.perSecond.toFixed(0)} acked/s  p99 ${baseline.p99} ms  errors ${baseline.errors}\n`,
    );
    await load(pipelineUrl, buildDeliveries(warmupPool, "WP"), warmup);
    const warmed = await MongoClient.connect(database.uri);
    const warmupEvents = await warmed.db().collection("events").countDocuments({});
    await waitProcessed(warmed, warmupEvents);
    await warmed.close();
    const pipeline = await load(pipelineUrl, pipelineDeliveries);
    process.stdout.write(
      `  pipeline  (…+parse+store+process): ${pipeline.perSecond.toFixed(0)} acked/s  p99 ${pipeline.p99} ms  errors ${pipeline.errors}\n`,
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
    const drainStarted = Date.now();
    const processedDuringRun = (await events.countDocuments({ status: "done" })) - warmupEvents;
    const done = (await waitProcessed(client, stored + warmupEvents)) - warmupEvents;
    const drainSeconds = (Date.now() - drainStarted) / 1000;
    const customers = await client.db().collection("customers").countDocuments({});
    await client.close();
    process.stdout.write(
      `  stored ${stored} events; processed ${processedDuringRun} during the run, all ${done} after ${drainSeconds.toFixed(1)} s more; ${customers} customers; ${wecom.calls()} WeCom reads\n`,
    );
    const ratio = pipeline.perSecond / baseline.perSecond;
    process.stdout.write(`  pipeline p99 ${pipeline.p99} ms (target < 200 ms)\n`);
    process.stdout.write(
      `callbacks: ${pipeline.perSecond.toFixed(0)}/s baseline: ${baseline.perSecond.toFixed(0)}/s ratio: ${ratio.toFixed(2)} lost: ${lost}\n`,
    );
  } finally {
    for (const child of children) {
      child.kill("SIGTERM");
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
