// bench:outreach — a mass message to a segment of N members over G guides, dispatched against a
// local stub WeCom (bench/outreachStub.ts) that allows `--rate` add_msg_template calls per
// `--window` seconds and answers 45009 past that. The planner and the dispatcher run in a child
// process (its peak RSS is the figure), with the shared rate limiter set to the stub's limit.
// Then a second campaign over the same segment is dispatched by a child killed (SIGKILL) halfway
// and a fresh child that resumes; the stub counts tasks created twice.
//
//   npm run bench:outreach -- [--members 1000000] [--guides 2000] [--rate 250] [--window 10]
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import mongoose from "mongoose";
import massMessageDispatcher from "../server/commands/massMessageDispatcher.ts";
import massMessagePlanner from "../server/commands/massMessagePlanner.ts";
import { mongoRateWindowStore } from "../server/commands/wecomRateWindows.ts";
import { startEmbeddedMongo } from "../server/db/embeddedMongo.ts";
import { configureLogger } from "../server/logging/logger.ts";
import "../server/models/index.ts";
import { MassMessage } from "../server/models/MassMessage.ts";
import { MassMessageTask, massTaskId } from "../server/models/MassMessageTask.ts";
import { Member } from "../server/models/Member.ts";
import { Segment } from "../server/models/Segment.ts";
import { WeComClient } from "../server/wecom/client.ts";
import { WeComRateLimiter } from "../server/wecom/rateLimiter.ts";
import { startOutreachStub } from "./outreachStub.ts";

const { values: args } = parseArgs({
  options: {
    members: { type: "string", default: "1000000" },
    guides: { type: "string", default: "2000" },
    rate: { type: "string", default: "250" },
    window: { type: "string", default: "10" },
    child: { type: "boolean", default: false },
    plan: { type: "boolean", default: false },
    uri: { type: "string" },
    stub: { type: "string" },
    id: { type: "string" },
  },
});
const RATE = Number(args.rate);
const WINDOW_MS = Number(args.window) * 1000;
const SEED_BATCH = 10_000;

/** The child: plan (optionally) and dispatch one campaign to the end, then print its figures. */
async function child(): Promise<void> {
  configureLogger("warn");
  let peak = 0;
  const sample = () => {
    peak = Math.max(peak, process.memoryUsage().rss);
  };
  const sampler = setInterval(sample, 50);
  await mongoose.connect(String(args.uri), { autoIndex: false });
  const massMessageId = String(args.id);
  let planSeconds = 0;
  if (args.plan) {
    const started = performance.now();
    await massMessagePlanner({ massMessageId, now: new Date() });
    planSeconds = (performance.now() - started) / 1000;
  }
  // The bench is the only caller, so bulk may use the whole window; the stub holds the same limit.
  const limiter = new WeComRateLimiter({ perMinute: 1_000_000, perHour: 100_000_000, bulkShare: 1, store: mongoRateWindowStore, windows: [{ ms: WINDOW_MS, limit: RATE }] });
  const wecom = new WeComClient({ baseUrl: String(args.stub), corpId: "bench", secrets: { contact: "bench-secret" }, limiter });
  const started = performance.now();
  let status = "dispatching";
  let reconciled = 0;
  while (status === "dispatching") {
    const result = await massMessageDispatcher({
      wecom,
      massMessageId,
      now: () => new Date(),
      concurrency: 16,
      onProgress: ({ done, total }) => {
        if (done % 200 === 0) {
          process.stderr.write(`  dispatch ${done}/${total}\n`);
        }
      },
    });
    status = result.status;
    reconciled += result.reconciled;
  }
  sample();
  clearInterval(sampler);
  process.stdout.write(`${JSON.stringify({ planSeconds, dispatchSeconds: (performance.now() - started) / 1000, peakMB: peak / 1024 / 1024, status, reconciled })}\n`);
  await mongoose.disconnect();
}

interface ChildResult {
  planSeconds: number;
  dispatchSeconds: number;
  peakMB: number;
  status: string;
  reconciled: number;
}

function runChild(uri: string, stub: string, id: string, plan: boolean): { done: Promise<ChildResult | null>; kill(): void } {
  const script = fileURLToPath(import.meta.url);
  const process_ = spawn(process.execPath, ["--import", "tsx", script, "--child", "--uri", uri, "--stub", stub, "--id", id, "--rate", String(RATE), "--window", String(args.window), ...(plan ? ["--plan"] : [])], { stdio: ["ignore", "pipe", "inherit"], env: { PATH: process.env.PATH ?? "" } });
  let last: ChildResult | null = null;
  readline.createInterface({ input: process_.stdout }).on("line", (line) => {
    last = JSON.parse(line) as ChildResult;
  });
  return { done: new Promise((resolve) => process_.once("exit", () => resolve(last))), kill: () => process_.kill("SIGKILL") };
}

async function main(): Promise<void> {
  configureLogger("warn");
  const members = Number(args.members);
  const guides = Number(args.guides);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-outreach-"));
  const database = await startEmbeddedMongo({ backend: "memory", dataDir, dbName: "scrm_bench_outreach" });
  const stub = await startOutreachStub(RATE, WINDOW_MS);
  try {
    await mongoose.connect(database.uri, { autoIndex: false });
    for (const model of Object.values(mongoose.models)) {
      await model.createIndexes();
    }
    const seeding = performance.now();
    for (let start = 0; start < members; start += SEED_BATCH) {
      const rows = [];
      for (let n = start; n < Math.min(members, start + SEED_BATCH); n++) {
        rows.push({ memberNo: `B${n}`, levelCode: "normal", tagIds: ["tag-bench"], mergedInto: null, externalUserIds: [`wm-bench-${n}`], guideUserIds: [`guide-${n % guides}`] });
      }
      await Member.collection.insertMany(rows, { ordered: false });
    }
    console.log(`seeded ${members} members over ${guides} guides in ${((performance.now() - seeding) / 1000).toFixed(1)}s`);
    const segment = await Segment.create({ name: "压测人群", rule: { tags: { any: ["tag-bench"] } } });
    const campaign = (text: string) => MassMessage.create({ name: text, text, audience: { kind: "segment", segmentId: String(segment._id) }, status: "scheduled" });

    // Run 1: plan and dispatch in one child.
    const first = await campaign("bench-run-1");
    const run1 = await runChild(database.uri, stub.url, String(first._id), true).done;
    if (!run1) {
      throw new Error("the dispatching child printed nothing");
    }
    const tasks = (await MassMessage.findById(first._id).lean())?.progress?.tasks ?? 0;
    const accepted = stub.acceptedFor("bench-run-1");
    // The limit allows RATE calls in each window the run touched (the first and last partly):
    // the ratio is the share of that allowance used, 1 = every window full.
    const ratio = accepted / (RATE * stub.windowsFor("bench-run-1"));
    console.log(`run 1: ${run1.status}, ${tasks} tasks, plan ${run1.planSeconds.toFixed(1)}s, dispatch ${run1.dispatchSeconds.toFixed(1)}s (${(accepted / run1.dispatchSeconds).toFixed(1)} calls/s, limit ${RATE} per ${WINDOW_MS / 1000}s over ${stub.windowsFor("bench-run-1")} windows), ${accepted} created, ${stub.refused} refused (45009), peak ${run1.peakMB.toFixed(0)}MB`);

    // Run 2: killed halfway, then resumed by a fresh child.
    const second = await campaign("bench-run-2");
    const planned = await runChild(database.uri, stub.url, String(second._id), true);
    while (stub.acceptedFor("bench-run-2") < tasks / 2) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    planned.kill();
    await planned.done;
    const plan = (await MassMessage.findById(second._id).lean())?.plan ?? [];
    let sending = 0;
    for (const guide of plan) {
      for (let chunk = 0; chunk < (guide.chunks ?? 0); chunk++) {
        sending += (await MassMessageTask.findById(massTaskId(String(second._id), guide.userId ?? "", chunk), { state: 1 }).lean())?.state === "sending" ? 1 : 0;
      }
    }
    console.log(`run 2: killed after ${stub.acceptedFor("bench-run-2")} tasks created, ${sending} left "sending"`);
    const resumed = await runChild(database.uri, stub.url, String(second._id), false).done;
    console.log(`run 2 resumed: ${resumed?.status ?? "?"}, ${resumed?.reconciled ?? 0} reconciled from get_groupmsg_list_v2, ${stub.acceptedFor("bench-run-2")} created for ${tasks} tasks`);
    console.log(`outreach: members: ${members} plan: ${run1.planSeconds.toFixed(1)}s calls: ${stub.calls} peak: ${run1.peakMB.toFixed(0)}MB ratio: ${ratio.toFixed(2)} twice: ${stub.twice()}`);
  } finally {
    await mongoose.disconnect();
    await stub.close();
    await database.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

await (args.child ? child() : main());
