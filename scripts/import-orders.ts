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
import { once } from "node:events";
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import cliProgress from "cli-progress";
import { parse } from "csv-parse";
import orderBatchImporter from "../server/commands/orderBatchImporter.ts";
import type { OrderInput, OrderOutcome } from "../server/commands/orderRecorder.ts";
import { currentProgram } from "../server/commands/programStore.ts";
import { connectDatabase } from "../server/db/connection.ts";
import type { Program } from "../server/domain/program.ts";
import { decodeKey, EnvError, loadEnv, parseEnv } from "../server/env.ts";
import { configureLogger } from "../server/logging/logger.ts";
import "../server/models/index.ts";
import { toOrderInput } from "../server/routes/console/orders.ts";
import { orderCreateSchema } from "../server/routes/console/schema.ts";
import { configurePersonalData } from "../server/security/personalData.ts";

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

/** One row read from the file: its line, its fields as given (for the rejects file), and the order or why not. */
interface SourceRow {
  row: number;
  original: string[];
  order: OrderInput | null;
  reason: string | null;
}

type Counts = Pick<ImportSummary, "rows" | "imported" | "duplicates" | "refunds" | "rejected">;

const DEFAULT_BATCH = 1000;
const MAX_BATCH = 5000;
const REQUIRED_COLUMNS = ["channel", "orderNo", "amount", "paidAt"];
// The single-order schema of the API (the chooser picks it for any body without `orders`).
const singleOrderSchema = orderCreateSchema({ body: {} });

/**
 * Validate one order exactly as the API does and turn it into the command's input.
 *
 * @param body an order as the API's body (or a CSV row mapped to that shape).
 * @returns the order, or the reason it is refused (`field: message`).
 */
export function validateOrder(body: unknown): { order: OrderInput; reason: null } | { order: null; reason: string } {
  const result = singleOrderSchema.safeParse({ body });
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = issue?.path.slice(1).join(".") || String(issue?.path[0] ?? "row");
    const missing = issue?.code === "invalid_type" && / received undefined$/.test(issue.message);
    return { order: null, reason: `${field}: ${missing ? "is required" : (issue?.message ?? "invalid")}` };
  }
  const parsed = result.data.body;
  if ("orders" in parsed) {
    return { order: null, reason: "row: 每行只能是一笔订单" };
  }
  return { order: toOrderInput(parsed), reason: null };
}

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

/** Rows of a CSV file with a header; the row number is the line the record starts on (header = 1). */
async function* csvRows(input: fs.ReadStream, rejects: RejectsWriter): AsyncGenerator<SourceRow> {
  const parser = input.pipe(parse({ bom: true, relax_column_count: true, skip_empty_lines: true, info: true }));
  let header: string[] | null = null;
  let columns = new Map<string, number>();
  // Counted here: csv-parse's own line count goes one too far for each CRLF inside quotes.
  let lastLine = 0;
  let emptyLines = 0;
  for await (const parsed of parser as AsyncIterable<{ record: string[]; info: { empty_lines: number } }>) {
    const { record, info } = parsed;
    const row = lastLine + 1 + info.empty_lines - emptyLines;
    lastLine = row + record.reduce((breaks, field) => breaks + lineBreaks(field), 0);
    emptyLines = info.empty_lines;
    if (!header) {
      header = record.map((name) => name.trim());
      columns = new Map(header.map((name, index) => [name, index]));
      const missing = REQUIRED_COLUMNS.filter((name) => !columns.has(name));
      if (missing.length > 0) {
        throw new Error(`${missing.join(", ")}: 表头缺少必需的列`);
      }
      rejects.start(header);
      continue;
    }
    if (record.length !== header.length) {
      yield { row, original: record, order: null, reason: `row: 列数 ${record.length} 与表头的 ${header.length} 不一致` };
      continue;
    }
    const body = csvBody(columns, record);
    yield { row, original: record, ...(typeof body === "string" ? { order: null, reason: body } : validateOrder(body)) };
  }
}

function lineBreaks(field: string): number {
  return field.includes("\n") || field.includes("\r") ? (field.match(/\r\n|\n|\r/g)?.length ?? 0) : 0;
}

/** @returns the row in the API's shape, or why it cannot be (items that are not JSON). */
function csvBody(columns: Map<string, number>, record: string[]): Record<string, unknown> | string {
  const value = (name: string): string | undefined => {
    const index = columns.get(name);
    const text = index === undefined ? undefined : record[index];
    return text === undefined || text.trim() === "" ? undefined : text;
  };
  const number = (name: string): number | undefined => {
    const text = value(name);
    return text === undefined ? undefined : Number(text);
  };
  let items: unknown;
  const itemsText = value("items");
  if (itemsText !== undefined) {
    try {
      items = JSON.parse(itemsText);
    } catch {
      return "items: 不是合法的 JSON 数组";
    }
  }
  return {
    channel: value("channel"),
    orderNo: value("orderNo"),
    amount: number("amount"),
    paidAt: value("paidAt"),
    status: value("status"),
    refundedAmount: number("refundedAmount"),
    refundOf: value("refundOf"),
    member: {
      phone: value("phone"),
      unionid: value("unionid"),
      externalUserId: value("externalUserId"),
      buyerId: value("buyerId"),
      name: value("name"),
    },
    items,
    storeId: value("storeId"),
    guideUserId: value("guideUserId"),
  };
}

/** Rows of a JSON-lines file; the row number is the line number. Blank lines are skipped. */
async function* jsonLineRows(input: fs.ReadStream, rejects: RejectsWriter): AsyncGenerator<SourceRow> {
  rejects.start(["json"]);
  const lines = readline.createInterface({ input, crlfDelay: Infinity });
  let row = 0;
  for await (const line of lines) {
    row += 1;
    if (line.trim() === "") {
      continue;
    }
    let body: unknown;
    try {
      body = JSON.parse(line);
    } catch {
      yield { row, original: [line], order: null, reason: "row: 不是合法的 JSON" };
      continue;
    }
    const isObject = body !== null && typeof body === "object" && !Array.isArray(body);
    yield { row, original: [line], ...(isObject ? validateOrder(body) : { order: null, reason: "row: 每行应是一个 JSON 对象" }) };
  }
}

/** The rejects file: `row,reason,<the row's own columns>`, written as rows are refused. */
class RejectsWriter {
  private readonly stream: fs.WriteStream;
  private started = false;

  /**
   * @param file where to write (replaced: it always describes the latest run).
   */
  constructor(file: string) {
    this.stream = fs.createWriteStream(file);
  }

  /**
   * @param columns the source's columns, after row and reason.
   */
  start(columns: string[]): void {
    this.stream.write(csvLine(["row", "reason", ...columns]));
    this.started = true;
  }

  /**
   * @param row the line number in the source.
   * @param reason why it was refused.
   * @param original the row's fields as read.
   */
  async write(row: number, reason: string, original: string[]): Promise<void> {
    if (!this.stream.write(csvLine([String(row), reason, ...original]))) {
      await once(this.stream, "drain");
    }
  }

  /** Flush and close. */
  async close(): Promise<void> {
    if (!this.started) {
      this.stream.write(csvLine(["row", "reason"]));
    }
    this.stream.end();
    await once(this.stream, "finish");
  }
}

function csvLine(values: string[]): string {
  return `${values.map((value) => (/[",\r\n]|^\s|\s$/.test(value) ? `"${value.replaceAll('"', '""')}"` : value)).join(",")}\n`;
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
