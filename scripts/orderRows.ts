// The rows of an order file: CSV (with a header) and JSON lines read as a stream, each row
// validated exactly as POST /api/console/orders validates its body, and the rejects file.
import { once } from "node:events";
import fs from "node:fs";
import readline from "node:readline";
import { parse } from "csv-parse";
import type { OrderInput } from "../server/commands/orderRecorder.ts";
import { toOrderInput } from "../server/routes/console/orders.ts";
import { orderCreateSchema } from "../server/routes/console/schema.ts";

/** One row read from the file: its line, its fields as given (for the rejects file), and the order or why not. */
export interface SourceRow {
  row: number;
  original: string[];
  order: OrderInput | null;
  reason: string | null;
}

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

/** Rows of a CSV file with a header; the row number is the line the record starts on (header = 1). */
export async function* csvRows(input: fs.ReadStream, rejects: RejectsWriter): AsyncGenerator<SourceRow> {
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
export async function* jsonLineRows(input: fs.ReadStream, rejects: RejectsWriter): AsyncGenerator<SourceRow> {
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
export class RejectsWriter {
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
