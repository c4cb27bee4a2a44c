// Preloaded into bench:callbacks' server process (`node --import`), never into the product: it
// watches the database commands the server sends (the driver's command monitoring) and how busy
// its event loop is, so the bench can report group-commit batch sizes, round trips per delivery
// and where database time goes without instrumenting the product. On SIGUSR2 it writes its
// running totals to BENCH_PROBE_FILE; the bench diffs two snapshots around the measured window.
// With BENCH_CPU_PROFILE set, the first snapshot starts a CPU profile and the second writes it
// there, so the profile covers the measured window only (not start-up, warm-up or the drain).
import fs from "node:fs";
import { Session } from "node:inspector/promises";
import { performance } from "node:perf_hooks";
import mongoose from "mongoose";
import type { CommandStartedEvent, CommandSucceededEvent, CommandFailedEvent, MongoClient } from "mongodb";

/** Running totals for one command on one collection ("insert events"). */
export interface CommandTally {
  commands: number;
  /** Documents inserted, update or delete statements; 1 for any other command. */
  statements: number;
  /** Time from sending to the reply, summed over commands (overlapping ones add up). */
  ms: number;
}

/** What SIGUSR2 writes. */
export interface ProbeSnapshot {
  seq: number;
  commands: Record<string, CommandTally>;
  /** Size of every insert into events, in order. */
  eventInsertSizes: number[];
  maxEventInsertsInFlight: number;
  /** Event-loop busy and idle time so far, ms. */
  loop: { active: number; idle: number };
  /** Process CPU so far, µs. */
  cpu: { user: number; system: number };
}

const file = process.env.BENCH_PROBE_FILE;
const profileFile = process.env.BENCH_CPU_PROFILE;
if (!file) {
  throw new Error("serverProbe: BENCH_PROBE_FILE is not set");
}

const tallies = new Map<string, CommandTally>();
const startedAt = new Map<number, string>();
const eventInsertSizes: number[] = [];
let eventInsertsInFlight = 0;
let maxEventInsertsInFlight = 0;
let seq = 0;

function statementsOf(event: CommandStartedEvent): number {
  const command = event.command as Record<string, unknown>;
  const list = command.documents ?? command.updates ?? command.deletes;
  return Array.isArray(list) ? list.length : 1;
}

function watch(client: MongoClient): void {
  client.on("commandStarted", (event: CommandStartedEvent) => {
    const target = (event.command as Record<string, unknown>)[event.commandName];
    const key = typeof target === "string" ? `${event.commandName} ${target}` : event.commandName;
    startedAt.set(event.requestId, key);
    const tally = tallies.get(key) ?? { commands: 0, statements: 0, ms: 0 };
    tally.commands += 1;
    tally.statements += statementsOf(event);
    tallies.set(key, tally);
    if (key === "insert events") {
      eventInsertSizes.push(statementsOf(event));
      eventInsertsInFlight += 1;
      maxEventInsertsInFlight = Math.max(maxEventInsertsInFlight, eventInsertsInFlight);
    }
  });
  const finished = (event: CommandSucceededEvent | CommandFailedEvent): void => {
    const key = startedAt.get(event.requestId);
    startedAt.delete(event.requestId);
    if (key === undefined) {
      return;
    }
    (tallies.get(key) as CommandTally).ms += event.duration;
    if (key === "insert events") {
      eventInsertsInFlight -= 1;
    }
  };
  client.on("commandSucceeded", finished);
  client.on("commandFailed", finished);
}

// Command events are emitted only by a client created with monitorCommands.
const connect = mongoose.connect.bind(mongoose);
mongoose.connect = (async (uri: string, options?: mongoose.ConnectOptions) => {
  const connected = await connect(uri, { ...options, monitorCommands: true });
  watch(mongoose.connection.getClient() as unknown as MongoClient);
  return connected;
}) as typeof mongoose.connect;

let profiler: Session | null = null;

async function toggleProfile(): Promise<void> {
  if (!profileFile) {
    return;
  }
  if (!profiler) {
    profiler = new Session();
    profiler.connect();
    await profiler.post("Profiler.enable");
    await profiler.post("Profiler.start");
    return;
  }
  const { profile } = await profiler.post("Profiler.stop");
  fs.writeFileSync(profileFile, JSON.stringify(profile));
  profiler.disconnect();
}

process.on("SIGUSR2", () => {
  void toggleProfile().then(() => {
    seq += 1;
    const loop = performance.eventLoopUtilization();
    const snapshot: ProbeSnapshot = {
      seq,
      commands: Object.fromEntries(tallies),
      eventInsertSizes,
      maxEventInsertsInFlight,
      loop: { active: loop.active, idle: loop.idle },
      cpu: process.cpuUsage(),
    };
    // Written whole then renamed, so the bench never reads half a snapshot.
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(snapshot));
    fs.renameSync(`${file}.tmp`, file);
  });
});
