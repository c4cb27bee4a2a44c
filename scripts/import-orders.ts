// import:orders — stream a CSV or JSON-lines file of channel orders into the membership ledger,
// in batches through orderBatchImporter (the same rules as POST /api/console/orders).
//
//   npm run import:orders -- FILE [--rejects FILE] [--batch 1000]
//
// CSV: a header row naming the columns channel, orderNo, amount (fen), paidAt, status,
// refundedAmount, refundOf, phone, unionid, externalUserId, buyerId, name, storeId, guideUserId
// and optionally items (a JSON array); other columns are ignored. `.jsonl` / `.ndjson`: one
// order per line, shaped like the API's body. Rejected rows go to `<FILE>.rejects.csv` with
// their line number and the reason; fixed, that file can be imported again as it is.
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import cliProgress from "cli-progress";
import orderBatchImporter from "../server/commands/orderBatchImporter.ts";
import type { OrderInput, OrderOutcome } from "../server/commands/orderRecorder.ts";
import { currentProgram } from "../server/commands/programStore.ts";
import { connectDatabase } from "../server/db/connection.ts";
import type { Program } from "../server/domain/program.ts";
import { decodeKey, EnvError, loadEnv, parseEnv } from "../server/env.ts";
import { configureLogger } from "../server/logging/logger.ts";
import "../server/models/index.ts";
import { configurePersonalData } from "../server/security/personalData.ts";
import { csvRows, jsonLineRows, RejectsWriter, type SourceRow } from "./orderRows.ts";

/** How far the import has got, for a progress display. */
export interface ImportProgress {
  bytesRead: number;
  totalBytes: number;
  rows: number;
}

/** What {@link importOrders} needs. */
export interface ImportOptions {
  file: string;
  /** Where rejected rows go; `<file>.rejects.csv` by default. */
  rejectsFile?: string;
  /** Rows per database batch (1–5000, default 1000). */
  batchSize?: number;
  program: Program;
  /** The clock, read once per batch. */
  now?: () => Date;
  /** Called after every batch. */
  onProgress?: (progress: ImportProgress) => void;
  /** When aborted, the import stops after the batch in flight (nothing is half-written). */
  signal?: AbortSignal;
}

/** The counts printed at the end. */
export interface ImportSummary {
  rows: number;
  imported: number;
  duplicates: number;
  refunds: number;
  rejected: number;
  seconds: number;
  rowsPerSecond: number;
  rejectsFile: string;
  /** True when stopped early through the signal. */
  stopped: boolean;
}

type Counts = Pick<ImportSummary, "rows" | "imported" | "duplicates" | "refunds" | "rejected">;

const DEFAULT_BATCH = 1000;
const MAX_BATCH = 5000;

/**
 * Import a CSV or JSON-lines file of orders, streaming: at most one batch of rows is held at a
 * time, so memory stays flat whatever the file's size.
 *
 * @param options the file, rejects file, batch size, program and hooks.
 * @returns the counts.
 */
export async function importOrders(options: ImportOptions): Promise<ImportSummary> {
  const started = performance.now();
  const batchSize = options.batchSize ?? DEFAULT_BATCH;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_BATCH) {
    throw new Error(`batch: must be an integer from 1 to ${MAX_BATCH}`);
  }
  const rejectsFile = options.rejectsFile ?? `${options.file}.rejects.csv`;
  const totalBytes = fs.statSync(options.file).size;
  const input = fs.createReadStream(options.file);
  const rejects = new RejectsWriter(rejectsFile);
  const counts: Counts = { rows: 0, imported: 0, duplicates: 0, refunds: 0, rejected: 0 };
  let stopped = false;
  try {
    const rows = isJsonLines(options.file) ? jsonLineRows(input, rejects) : csvRows(input, rejects);
    let batch: SourceRow[] = [];
    const flush = async (): Promise<void> => {
      await importBatch(batch, options.program, options.now?.() ?? new Date(), counts, rejects);
      batch = [];
      options.onProgress?.({ bytesRead: input.bytesRead, totalBytes, rows: counts.rows });
    };
    for await (const row of rows) {
      batch.push(row);
      if (batch.length >= batchSize) {
        await flush();
        if (options.signal?.aborted) {
          stopped = true;
          break;
        }
      }
    }
    if (!stopped && batch.length > 0) {
      await flush();
    }
  } finally {
    input.destroy();
    await rejects.close();
  }
  const seconds = (performance.now() - started) / 1000;
  return { ...counts, seconds, rowsPerSecond: counts.rows / Math.max(seconds, 0.001), rejectsFile, stopped };
}

function isJsonLines(file: string): boolean {
  return /\.(jsonl|ndjson)$/i.test(file);
}

async function importBatch(batch: SourceRow[], program: Program, now: Date, counts: Counts, rejects: RejectsWriter): Promise<void> {
  const valid = batch.filter((row) => row.order !== null);
  const outcomes = await orderBatchImporter(valid.map((row) => row.order as OrderInput), program, now);
  const outcomeOf = new Map<SourceRow, OrderOutcome>(valid.map((row, index) => [row, outcomes[index] as OrderOutcome]));
  for (const row of batch) {
    const outcome = outcomeOf.get(row);
    counts.rows += 1;
    if (!outcome || outcome.result === "rejected") {
      counts.rejected += 1;
      await rejects.write(row.row, outcome?.result === "rejected" ? outcome.reason : (row.reason ?? "row: invalid"), row.original);
    } else if (outcome.result === "created") {
      counts.imported += 1;
    } else if (outcome.result === "duplicate") {
      counts.duplicates += 1;
    } else {
      counts.refunds += 1;
    }
  }
}

/**
 * @param summary the counts.
 * @returns `imported N, duplicates N, refunds N, rejected N in S s (R rows/s)`.
 */
export function formatSummary(summary: ImportSummary): string {
  const { imported, duplicates, refunds, rejected, seconds, rowsPerSecond } = summary;
  return `imported ${imported}, duplicates ${duplicates}, refunds ${refunds}, rejected ${rejected} in ${seconds.toFixed(1)} s (${Math.round(rowsPerSecond)} rows/s)`;
}

/**
 * The embedded database of a running server cannot be shared (its port is not published), and
 * starting a second one on the same data directory would stop the server's: refuse instead.
 *
 * @param dataDir DATA_DIR.
 * @returns the pid holding it, or null.
 */
function embeddedDatabaseInUse(dataDir: string): number | null {
  let pid: number;
  try {
    pid = Number.parseInt(fs.readFileSync(path.join(dataDir, "embedded-mongo.pid"), "utf8").trim(), 10);
  } catch {
    return null;
  }
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return null;
  }
}

function parseCommandLine(): { file: string; rejectsFile: string | undefined; batchSize: number } {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { rejects: { type: "string" }, batch: { type: "string", default: String(DEFAULT_BATCH) } },
  });
  const [file] = positionals;
  if (!file || positionals.length > 1) {
    throw new Error("usage: npm run import:orders -- FILE [--rejects FILE] [--batch 1000]");
  }
  if (!fs.existsSync(file)) {
    throw new Error(`${file}: 文件不存在`);
  }
  return { file, rejectsFile: values.rejects, batchSize: Number(values.batch) };
}

function progressBar(): { update: (progress: ImportProgress) => void; stop: () => void } {
  const bar = new cliProgress.SingleBar(
    { format: "orders |{bar}| {percentage}% | {rows} rows | {rate} rows/s | eta {eta_formatted}", stream: process.stderr, hideCursor: true, etaBuffer: 20 },
    cliProgress.Presets.shades_classic,
  );
  const started = performance.now();
  let begun = false;
  return {
    update(progress) {
      const rate = Math.round(progress.rows / Math.max((performance.now() - started) / 1000, 0.001));
      if (!begun) {
        bar.start(progress.totalBytes, 0, { rows: 0, rate: 0 });
        begun = true;
      }
      bar.update(progress.bytesRead, { rows: progress.rows, rate });
    },
    stop() {
      bar.stop();
    },
  };
}

async function main(): Promise<void> {
  const args = parseCommandLine();
  loadEnv();
  // Quiet by default: the progress bar and the summary are the output; LOG_LEVEL still wins.
  const env = parseEnv({ LOG_LEVEL: "warn", ...process.env });
  configureLogger(env.LOG_LEVEL);
  if (env.DATA_ENCRYPTION_KEY) {
    configurePersonalData(decodeKey(env.DATA_ENCRYPTION_KEY) as Buffer);
  }
  const holder = env.MONGODB_URI ? null : embeddedDatabaseInUse(env.DATA_DIR);
  if (holder !== null) {
    throw new Error(`${env.DATA_DIR}: 内置数据库正被进程 ${holder} 使用（服务在运行？）。请先停止服务，或设置 MONGODB_URI`);
  }
  const database = await connectDatabase({ uri: env.MONGODB_URI, backend: env.EMBEDDED_DB_BACKEND, dataDir: env.DATA_DIR });
  const controller = new AbortController();
  process.once("SIGINT", () => {
    process.stderr.write("\nstopping after the current batch (Ctrl+C again to abort)\n");
    controller.abort();
    process.once("SIGINT", () => process.exit(130));
  });
  const bar = progressBar();
  try {
    const { program } = await currentProgram();
    const summary = await importOrders({ ...args, program, onProgress: bar.update, signal: controller.signal });
    bar.stop();
    if (summary.rejected > 0) {
      process.stderr.write(`rejected rows: ${summary.rejectsFile}\n`);
    }
    if (summary.stopped) {
      process.stderr.write(`stopped after ${summary.rows} rows; importing the file again skips them as duplicates\n`);
    }
    process.stdout.write(`${formatSummary(summary)}\n`);
  } finally {
    bar.stop();
    await database.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof EnvError || error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
