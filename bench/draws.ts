// bench:draws — N phones drawing at once on a campaign with limited stock. The real app serves
// /draw/<slug>/api/* in its own process on the embedded database; each client opened its own
// personal link first, so it draws with its own participant cookie (and its own address, as phones
// have). In the same run the same clients read the page's state (GET /draw/<slug>/api/state, the
// read-only API) for the same time: the baseline. Then the database is checked: the limited prize
// has exactly its stock in winners, nobody won more than maxWins, no stock and no budget below 0.
//
//   npm run bench:draws -- [--clients 100] [--duration 10] [--stock 10] [--backend memory|h2]
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import mongoose from "mongoose";
import { createApp } from "../server/app.ts";
import { createDraw, setDrawStatus } from "../server/commands/drawEditor.ts";
import { startEmbeddedMongo } from "../server/db/embeddedMongo.ts";
import { configureLogger } from "../server/logging/logger.ts";
import { configureDrawTokens, personalDrawLink } from "../server/security/drawTokens.ts";
import { WeComClient } from "../server/wecom/client.ts";
import { cpuSeconds, freePort, startProcess, stopProcess } from "./benchProcesses.ts";

const { values: args } = parseArgs({
  options: {
    clients: { type: "string", default: "100" },
    duration: { type: "string", default: "10" },
    warmup: { type: "string", default: "2" },
    stock: { type: "string", default: "10" },
    backend: { type: "string", default: "memory" },
    serve: { type: "boolean", default: false },
    uri: { type: "string" },
    port: { type: "string" },
  },
});
const SLUG = "bench-draw";
const SESSION_KEY = "bench-draws-session-key-0123456789abcdefghij";
const MAX_WINS = 3;
const LIMITED = "limited";

/** The server side (a child process): one running draw, then the app. */
async function serveApp(): Promise<void> {
  configureLogger("warn");
  await mongoose.connect(String(args.uri), { autoIndex: false });
  for (const model of Object.values(mongoose.models)) {
    await model.createIndexes();
  }
  const now = new Date();
  const draw = await createDraw(
    {
      slug: SLUG,
      name: "压测抽奖",
      startsAt: new Date(now.getTime() - 3600_000),
      endsAt: new Date(now.getTime() + 86_400_000),
      rules: "",
      style: "wheel",
      eligibility: { levels: [], tagIds: [], segmentId: null, guideUserIds: [], funnelId: null },
      limits: { perDay: null, total: null, maxWins: MAX_WINS },
      // A prize with limited stock that runs out during the run, one with plenty, and a miss.
      prizes: [
        { id: LIMITED, name: "保温杯", kind: "physical", weight: 3, stock: Number(args.stock) },
        { id: "plenty", name: "帆布袋", kind: "physical", weight: 2, stock: 1_000_000 },
        { id: "none", name: "谢谢参与", kind: "none", weight: 7, stock: 0 },
      ],
      cashBudgetFen: 0,
      tagsOnJoin: [],
      tagsOnWin: [],
    },
    { actorId: "bench", now },
  );
  await setDrawStatus(String(draw._id), "active", { actorId: "bench", now });
  // No WeCom call happens on the draw path; the client only has to exist.
  const wecom = new WeComClient({ baseUrl: "http://127.0.0.1:9", corpId: "bench", secrets: {} });
  const unlimited = 1_000_000;
  const app = createApp({ callbackSecrets: null, apiToken: undefined, wecom, sessionKeys: [SESSION_KEY], frontendDir: null, trustProxy: true, drawRateLimits: { page: unlimited, state: unlimited, draws: unlimited, writes: unlimited } });
  const server = app.listen(Number(args.port), "127.0.0.1");
  process.on("SIGTERM", () => {
    server.close();
    void mongoose.disconnect().finally(() => process.exit(0));
  });
}

interface Client {
  cookie: string;
  ip: string;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1_000 });

function request(port: number, method: string, target: string, client: Client, body?: string): Promise<{ status: number; text: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { "x-forwarded-for": client.ip, cookie: client.cookie };
    if (body !== undefined) {
      headers["content-type"] = "application/json";
      headers["content-length"] = String(Buffer.byteLength(body));
    }
    const req = http.request({ host: "127.0.0.1", port, method, path: target, headers, agent }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text, headers: res.headers }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** Each client opens its own personal link: the answer sets its participant cookie. */
async function openLinks(port: number, count: number): Promise<Client[]> {
  configureDrawTokens({ sessionKeys: [SESSION_KEY] });
  const clients: Client[] = [];
  for (let index = 0; index < count; index += 1) {
    const ip = `10.${(index >> 16) & 255}.${(index >> 8) & 255}.${index & 255}`;
    const link = new URL(personalDrawLink({ slug: SLUG, externalUserId: `wmBench${String(index).padStart(5, "0")}`, now: new Date(), origin: `http://127.0.0.1:${port}` }));
    const answer = await request(port, "GET", `${link.pathname}${link.search}`, { ip, cookie: "" });
    const cookie = (answer.headers["set-cookie"] ?? []).map((line) => line.split(";")[0]).find((pair) => pair?.startsWith("scrm_draw="));
    if (answer.status !== 302 || !cookie) {
      throw new Error(`client ${index}: the personal link set no participant cookie (${answer.status})`);
    }
    clients.push({ ip, cookie });
  }
  return clients;
}

interface Run {
  perSecond: number;
  p99: number;
  statuses: Map<number, number>;
}

/** Every client in a loop for the given time, one request at a time each. */
async function run(port: number, clients: Client[], seconds: number, call: (client: Client) => Promise<number>): Promise<Run> {
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  const deadline = performance.now() + seconds * 1000;
  await Promise.all(
    clients.map(async (client) => {
      while (performance.now() < deadline) {
        const started = performance.now();
        const status = await call(client).catch(() => 0);
        latencies.push(performance.now() - started);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const p99 = latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))] ?? 0;
  return { perSecond: latencies.length / seconds, p99: Math.round(p99), statuses };
}

const describe = (statuses: Map<number, number>) => [...statuses].sort(([a], [b]) => a - b).map(([status, count]) => `${status}×${count}`).join(" ");

async function main(): Promise<void> {
  const clientsWanted = Number(args.clients);
  const duration = Number(args.duration);
  const warmup = Number(args.warmup);
  const stock = Number(args.stock);
  const backend = args.backend === "h2" ? "h2" : "memory";
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "scrm-bench-draws-"));
  const loadAverage = () => os.loadavg().map((value) => value.toFixed(2)).join(" ");
  process.stdout.write(`bench:draws  clients ${clientsWanted}  duration ${duration}s  stock ${stock}  maxWins ${MAX_WINS}  embedded backend ${backend}  cpus ${os.cpus().length}  load average ${loadAverage()}\n`);
  const database = await startEmbeddedMongo({ backend, dataDir, dbName: "scrm_bench_draws" });
  const port = await freePort();
  const child = await startProcess(fileURLToPath(import.meta.url), ["--serve", "--uri", database.uri, "--port", String(port)], { NODE_ENV: "development" }, async (url) => (await fetch(url)).status === 200, `http://127.0.0.1:${port}/healthz`);
  try {
    const clients = await openLinks(port, clientsWanted);
    const state = (client: Client) => request(port, "GET", `/draw/${SLUG}/api/state`, client).then((answer) => answer.status);
    const draw = (client: Client) => request(port, "POST", `/draw/${SLUG}/api/draws`, client, JSON.stringify({ requestId: crypto.randomUUID() })).then((answer) => answer.status);
    await run(port, clients, warmup, state);
    const cpuBefore = cpuSeconds(child.pid);
    const draws = await run(port, clients, duration, draw);
    const cpuDraws = cpuSeconds(child.pid) - cpuBefore;
    process.stdout.write(`  draws    POST /draw/${SLUG}/api/draws: ${draws.perSecond.toFixed(0)}/s  p99 ${draws.p99} ms  answers ${describe(draws.statuses)}  server CPU ${cpuDraws.toFixed(1)} s\n`);
    const baseline = await run(port, clients, duration, state);
    process.stdout.write(`  baseline GET /draw/${SLUG}/api/state: ${baseline.perSecond.toFixed(0)}/s  p99 ${baseline.p99} ms  answers ${describe(baseline.statuses)}\n`);

    const db = mongoose.createConnection(database.uri);
    await db.asPromise();
    const drawDoc = await db.collection("lucky_draws").findOne({ slug: SLUG });
    const drawId = drawDoc?._id;
    const winners = await db.collection("draw_wins").countDocuments({ drawId, prizeId: LIMITED });
    const perPerson = await db.collection("draw_wins").aggregate<{ _id: string; wins: number }>([{ $match: { drawId } }, { $group: { _id: "$participantKey", wins: { $sum: 1 } } }, { $sort: { wins: -1 } }, { $limit: 1 }]).toArray();
    const stocks = await db.collection("draw_stocks").find({ drawId }).toArray();
    const records = await db.collection("draw_records").countDocuments({ drawId });
    await db.close();
    const most = perPerson[0]?.wins ?? 0;
    const negative = stocks.filter((entry) => Number(entry.left) < 0).map((entry) => String(entry.key));
    const budget = stocks.find((entry) => entry.key !== LIMITED && entry.key !== "plenty");
    const drawn = draws.statuses.get(200) ?? 0;
    process.stdout.write(`  database: ${records} draw records (${drawn} answered 200), limited prize winners ${winners}/${stock}, most wins by one person ${most} (maxWins ${MAX_WINS}), stocks below 0: ${negative.length ? negative.join(", ") : "none"}, budget left ${budget ? String(budget.left) : "?"} fen (no cash prize in this run: the budget check holds trivially)\n`);
    process.stdout.write(`  target: p99 < 200 ms at 100 clients, every check exact; load average after ${loadAverage()}\n`);
    const exact = winners === stock && most <= MAX_WINS && negative.length === 0 && records === drawn;
    const ratio = draws.perSecond / baseline.perSecond;
    process.stdout.write(`draws: ${draws.perSecond.toFixed(0)}/s p99: ${draws.p99} baseline: ${baseline.perSecond.toFixed(0)}/s ratio: ${ratio.toFixed(2)} winners: ${winners}/${stock} ${exact ? "exact" : "NOT EXACT"}\n`);
  } finally {
    agent.destroy();
    await stopProcess(child);
    await database.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

(args.serve ? serveApp() : main()).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
