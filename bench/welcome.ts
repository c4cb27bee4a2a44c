// bench:welcome — how long a customer who scans a channel code waits for the welcome message:
// from the callback leaving "WeCom" to send_welcome_msg arriving at the WeCom stand-in, with adds
// at a steady rate while another lane (one customer group) is flooded with member-change events.
// The server runs as its own process on the embedded database, as in bench:callbacks.
//
//   npm run bench:welcome -- [--duration 20] [--rate 50] [--flood 16] [--backend memory|h2] [--profile DIR]   (BENCH_LOG=debug shows the server's log)
//
// --profile DIR watches the adds' window (from the first add until every welcome is in or late):
// the server's database commands by round trips and time waited, its CPU profile and the database
// JVM's Flight Recorder samples, summarised as bench:callbacks does.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { MongoClient } from "mongodb";
import { startEmbeddedMongo } from "../server/db/embeddedMongo.ts";
import { PID_FILE, readPidFile } from "../server/db/embeddedPidFile.ts";
import { sealMessage } from "../server/wecom/callbackCrypto.ts";
import { benchSecrets as secrets } from "./callbackMessages.ts";
import { cpuSeconds, freePort, jcmd, probeSnapshot } from "./benchProcesses.ts";
import { summarizeCpuProfile, summarizeJfr } from "./profileSummary.ts";
import type { CommandTally, ProbeSnapshot } from "./serverProbe.ts";

const { values: args } = parseArgs({
  options: {
    duration: { type: "string", default: "20" },
    rate: { type: "string", default: "50" },
    flood: { type: "string", default: "16" },
    backend: { type: "string", default: "memory" },
    profile: { type: "string" },
  },
});
const profileDir = args.profile ? path.resolve(args.profile) : null;
const PROBE = fileURLToPath(new URL("./serverProbe.ts", import.meta.url));
const duration = Number(args.duration);
const rate = Number(args.rate);
const floodInFlight = Number(args.flood);
const backend = args.backend === "h2" ? "h2" : "memory";
const API_TOKEN = "bench-api-token-0123456789";
const STATE = "bench_welcome";
const FLOOD_CHAT = "wrBenchFloodChat";
// WeCom's window for a welcome code (wecom-reference.md §4.5).
const WINDOW_MS = 20_000;

interface StandIn {
  url: string;
  /** Per welcome code, when each send_welcome_msg arrived. */
  sends: Map<string, number[]>;
  groupReads: () => number;
  close(): void;
}

// A group of 200 members, as groupchat/get answers for the flooded chat: each event re-reads it.
const floodGroup = {
  chat_id: FLOOD_CHAT,
  name: "大促福利群",
  owner: "guide_0",
  create_time: 1_700_000_000,
  member_list: Array.from({ length: 200 }, (_, index) => ({ userid: `wmFlood${index}`, type: 2, join_time: 1_700_000_000, join_scene: 3 })),
  admin_list: [],
};

async function readBody(request: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString();
}

/** WeCom's API as far as this run needs it; counts welcome sends by welcome code. */
async function startWeComStandIn(): Promise<StandIn> {
  const sends = new Map<string, number[]>();
  let groupReads = 0;
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://x");
    const answer = (body: object) => {
      response.setHeader("content-type", "application/json");
      response.end(JSON.stringify({ errcode: 0, errmsg: "ok", ...body }));
    };
    void readBody(request).then((raw) => {
      switch (url.pathname) {
        case "/cgi-bin/gettoken":
          return answer({ access_token: "BENCH_TOKEN", expires_in: 7200 });
        case "/cgi-bin/externalcontact/send_welcome_msg": {
          const code = String((JSON.parse(raw) as { welcome_code?: string }).welcome_code);
          sends.set(code, [...(sends.get(code) ?? []), Date.now()]);
          return answer({});
        }
        case "/cgi-bin/externalcontact/add_contact_way":
          return answer({ config_id: "bench-config", qr_code: "https://wework.qpic.cn/bench.png" });
        case "/cgi-bin/externalcontact/get": {
          const externalUserId = url.searchParams.get("external_userid") ?? "";
          return answer({
            external_contact: { external_userid: externalUserId, name: "顾客", type: 1, gender: 0 },
            follow_user: [{ userid: "guide_0", remark: "", createtime: Math.floor(Date.now() / 1000), add_way: 1, state: STATE, tags: [] }],
            next_cursor: "",
          });
        }
        case "/cgi-bin/externalcontact/groupchat/get":
          groupReads += 1;
          return answer({ group_chat: floodGroup });
        default:
          return answer({});
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, sends, groupReads: () => groupReads, close: () => server.close() };
}

/** POST one encrypted delivery as WeCom would. */
async function deliver(baseUrl: string, xml: string): Promise<number> {
  const sealed = sealMessage(secrets, xml);
  const query = new URLSearchParams({ msg_signature: sealed.signature, timestamp: sealed.timestamp, nonce: sealed.nonce });
  const body = `<xml><ToUserName><![CDATA[${secrets.receiveId}]]></ToUserName><Encrypt><![CDATA[${sealed.encrypted}]]></Encrypt><AgentID><![CDATA[1000002]]></AgentID></xml>`;
  const response = await fetch(`${baseUrl}/wecom/callback?${query}`, { method: "POST", headers: { "content-type": "text/xml" }, body });
  await response.text();
  return response.status;
}

const header = (createTime: number) =>
  `<ToUserName><![CDATA[${secrets.receiveId}]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName><CreateTime>${createTime}</CreateTime><MsgType><![CDATA[event]]></MsgType>`;

function addXml(index: number): string {
  return (
    `<xml>${header(Math.floor(Date.now() / 1000))}<Event><![CDATA[change_external_contact]]></Event><ChangeType><![CDATA[add_external_contact]]></ChangeType>` +
    `<UserID><![CDATA[guide_0]]></UserID><ExternalUserID><![CDATA[wmWelcome${String(index).padStart(8, "0")}]]></ExternalUserID>` +
    `<State><![CDATA[${STATE}]]></State><WelcomeCode><![CDATA[WELCOME${index}]]></WelcomeCode></xml>`
  );
}

// Each a different member joining the one flooded group: one lane, never deduplicated.
function floodXml(index: number): string {
  return (
    `<xml>${header(1_700_000_000 + index)}<Event><![CDATA[change_external_chat]]></Event><ChatId><![CDATA[${FLOOD_CHAT}]]></ChatId>` +
    `<ChangeType><![CDATA[update]]></ChangeType><UpdateDetail><![CDATA[add_member]]></UpdateDetail><JoinScene>3</JoinScene>` +
    `<MemChangeCnt>1</MemChangeCnt><MemChangeList><Item><![CDATA[wmJoin${index}]]></Item></MemChangeList></xml>`
  );
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;
}

/**
 * The adds' bookkeeping (greeting task, 完成率) runs after the welcomes, on its own lanes: how long
 * it lagged behind the last add. Waits up to two minutes.
 */
async function waitForFollowUps(uri: string, total: number, lastAddAt: number): Promise<string> {
  const client = await MongoClient.connect(uri);
  try {
    const events = client.db().collection("events");
    const deadline = Date.now() + 120_000;
    let done = 0;
    while (Date.now() < deadline) {
      done = await events.countDocuments({ type: "add_follow_up", status: "done" });
      if (done >= total) {
        return `follow-ups (greeting task, 完成率) all ${done} done ${((Date.now() - lastAddAt) / 1000).toFixed(1)} s after the last add`;
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    return `follow-ups (greeting task, 完成率): ${done}/${total} done 2 minutes after the welcomes`;
  } finally {
    await client.close();
  }
}

/** What --profile prints for the adds' window: commands per add, CPU of both processes, and the two profiles. */
async function profileWindow(server: ChildProcess, probeFile: string, databasePid: number | undefined, before: { probe: ProbeSnapshot; databaseCpu: number }, adds: number, seconds: number): Promise<string[]> {
  const after = await probeSnapshot(server, probeFile);
  const databaseCpu = cpuSeconds(databasePid) - before.databaseCpu;
  jcmd(databasePid, "JFR.stop", "name=bench");
  const rows = Object.entries(after.commands)
    .map(([key, total]) => {
      const start: CommandTally = before.probe.commands[key] ?? { commands: 0, statements: 0, ms: 0 };
      return { key, commands: total.commands - start.commands, ms: total.ms - start.ms };
    })
    .filter((row) => row.commands > 0)
    .sort((a, b) => b.ms - a.ms);
  const lines = [`  database commands in the window, per add (round trips, ms waited; flood and processor included):`];
  for (const row of rows.slice(0, 20)) {
    lines.push(`    ${row.key.padEnd(36)} ${(row.commands / adds).toFixed(2).padStart(7)} ${(row.ms / adds).toFixed(1).padStart(8)}`);
  }
  const serverCpu = (after.cpu.user + after.cpu.system - before.probe.cpu.user - before.probe.cpu.system) / 1e6;
  lines.push(`  CPU in ${seconds.toFixed(0)} s: server ${serverCpu.toFixed(1)} s, database JVM ${databaseCpu.toFixed(1)} s; ${os.cpus().length} cores`);
  await new Promise((resolve) => setTimeout(resolve, 500));
  for (const line of [...summarizeCpuProfile(path.join(profileDir as string, "server.cpuprofile")), ...summarizeJfr(path.join(profileDir as string, "database.jfr"))]) {
    lines.push(`  ${line}`);
  }
  return lines;
}

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "scrm-bench-welcome-"));
  process.stdout.write(`bench:welcome  duration ${duration}s  adds ${rate}/s  flood ${floodInFlight} in flight  backend ${backend}  load average ${os.loadavg().map((load) => load.toFixed(2)).join(" ")}\n`);
  const database = await startEmbeddedMongo({ backend, dataDir, dbName: "scrm_bench_welcome" });
  const wecom = await startWeComStandIn();
  let server: ChildProcess | null = null;
  try {
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    const probeFile = path.join(dataDir, "probe.json");
    server = spawn(process.execPath, ["--import", "tsx", ...(profileDir ? ["--import", PROBE] : []), "server/main.ts"], {
      env: {
        PATH: process.env.PATH ?? "",
        NODE_ENV: "development",
        PORT: String(port),
        HOST: "127.0.0.1",
        MONGODB_URI: database.uri,
        WECOM_CORP_ID: secrets.receiveId,
        WECOM_CALLBACK_TOKEN: secrets.token,
        WECOM_CALLBACK_AES_KEY: secrets.aesKey,
        WECOM_CONTACT_SECRET: "bench-secret",
        WECOM_API_BASE: wecom.url,
        SCRM_API_TOKEN: API_TOKEN,
        LOG_LEVEL: process.env.BENCH_LOG ?? "warn",
        ...(profileDir ? { BENCH_PROBE_FILE: probeFile, BENCH_CPU_PROFILE: path.join(profileDir, "server.cpuprofile") } : {}),
      },
      stdio: ["ignore", process.env.BENCH_LOG ? "inherit" : "ignore", "inherit"],
    });
    const deadline = Date.now() + 60_000;
    while (!(await fetch(`${baseUrl}/healthz`).then((response) => response.ok).catch(() => false))) {
      if (Date.now() > deadline) {
        throw new Error("server did not start");
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const created = await fetch(`${baseUrl}/api/console/channel-codes`, {
      method: "POST",
      headers: { authorization: `Bearer ${API_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "压测活码", type: "multi", guides: [{ userId: "guide_0" }], state: STATE, welcome: { text: "{客户昵称}您好，欢迎光临", attachments: [] } }),
    });
    if (created.status !== 201) {
      throw new Error(`creating the channel code answered ${created.status}: ${await created.text()}`);
    }

    // The flood: member changes on one group, as many in flight as asked, for the whole run.
    let flooding = true;
    let floodSent = 0;
    const flood = Array.from({ length: floodInFlight }, async () => {
      while (flooding) {
        floodSent += 1;
        await deliver(baseUrl, floodXml(floodSent));
      }
    });
    // Let the flood build a backlog before the first add.
    await new Promise((resolve) => setTimeout(resolve, 2_000));

    const databasePid = readPidFile(path.join(dataDir, PID_FILE));
    let before: { probe: ProbeSnapshot; databaseCpu: number } | null = null;
    if (profileDir) {
      fs.mkdirSync(profileDir, { recursive: true });
      jcmd(databasePid, "JFR.start", "name=bench", "settings=profile", `filename=${path.join(profileDir, "database.jfr")}`);
      before = { probe: await probeSnapshot(server, probeFile), databaseCpu: cpuSeconds(databasePid) };
    }
    const sentAt = new Map<string, number>();
    const adds: Promise<number>[] = [];
    // How long WeCom waits for our 200 on an add: what ingestion costs, apart from the processing after it.
    const acks: number[] = [];
    const total = duration * rate;
    const started = Date.now();
    for (let index = 0; index < total; index += 1) {
      const due = started + (index * 1000) / rate;
      const wait = due - Date.now();
      if (wait > 0) {
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
      sentAt.set(`WELCOME${index}`, Date.now());
      const posted = Date.now();
      adds.push(
        deliver(baseUrl, addXml(index)).then((status) => {
          acks.push(Date.now() - posted);
          return status;
        }),
      );
    }
    const statuses = await Promise.all(adds);
    // Every send is either in, or past WeCom's window.
    const settle = Date.now() + WINDOW_MS + 2_000;
    while (Date.now() < settle && wecom.sends.size < total) {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const profileLines = before ? await profileWindow(server, probeFile, databasePid, before, total, (Date.now() - started) / 1000) : [];
    flooding = false;
    await Promise.all(flood);

    const ended = Date.now();
    const followUps = await waitForFollowUps(database.uri, total, started + duration * 1000);
    const latencies: number[] = [];
    let late = 0;
    let twice = 0;
    let sentCount = 0;
    for (const [code, at] of sentAt) {
      const sends = wecom.sends.get(code) ?? [];
      if (sends.length > 1) {
        twice += 1;
      }
      const first = sends[0];
      if (first === undefined || first - at > WINDOW_MS) {
        late += 1;
      }
      sentCount += first === undefined ? 0 : 1;
      // A welcome never sent counts with what it had waited when the run ended: a lower bound, not 0.
      latencies.push((first ?? ended) - at);
    }
    latencies.sort((a, b) => a - b);
    acks.sort((a, b) => a - b);
    process.stdout.write(`  add acknowledged in p50 ${percentile(acks, 50)} ms, p99 ${percentile(acks, 99)} ms\n`);
    process.stdout.write(
      `  adds acknowledged ${statuses.filter((status) => status === 200).length}/${total}; welcomes sent ${sentCount} (the rest count with their wait at the end); ` +
        `flood deliveries ${floodSent} (${(floodSent / (duration + 2)).toFixed(0)}/s), group re-reads ${wecom.groupReads()}; max ${latencies.at(-1) ?? 0} ms\n`,
    );
    process.stdout.write(`  ${followUps}\n`);
    for (const line of profileLines) {
      process.stdout.write(`${line}\n`);
    }
    process.stdout.write(`welcome: p50: ${percentile(latencies, 50)} p99: ${percentile(latencies, 99)} late: ${late} twice: ${twice}\n`);
  } finally {
    if (server && server.exitCode === null) {
      const exited = new Promise((resolve) => server?.once("exit", resolve));
      server.kill("SIGTERM");
      await exited;
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
