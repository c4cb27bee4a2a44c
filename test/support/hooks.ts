import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import mongoose from "mongoose";
import nock from "nock";
import pino from "pino";
import { connectDatabase, type DatabaseHandle } from "../../server/db/connection.ts";
import { parseEnv } from "../../server/env.ts";
import { configureLogger, scrubText } from "../../server/logging/logger.ts";
import "../../server/models/index.ts";
import { API_TOKEN, SESSION_KEY } from "./server.ts";
import { ACCESS_TOKEN, AGENT_ACCESS_TOKEN } from "./wecomNock.ts";
import { AGENT_SECRET, CONTACT_SECRET, SAMPLE } from "./wecomSecrets.ts";

let database: DatabaseHandle | null = null;
// Per run, so two test runs on one machine never take each other's database down as "stale".
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "scrm-test-"));

// The values that must never reach a log line, with how a failure names them.
const SECRETS: [string, string][] = [
  [API_TOKEN, "SCRM_API_TOKEN"],
  [CONTACT_SECRET, "contact secret"],
  [AGENT_SECRET, "agent secret"],
  [SAMPLE.aesKey, "callback EncodingAESKey"],
  [SESSION_KEY, "session key"],
  [ACCESS_TOKEN, "contact access_token"],
  [AGENT_ACCESS_TOKEN, "agent access_token"],
];
const LEAK_PATTERNS: [RegExp, string][] = [
  [/(?<!\d)1[3-9]\d{9}(?!\d)/, "a phone number"],
  [/(?<!\d)(?:\+?86[\s-])?1[3-9]\d[\s-]\d{4}[\s-]\d{4}(?!\d)/, "a phone number"],
  [/union_?id\\?["']?\s*[:=]\s*\\?["']?o[\w-]{2,}/i, "a unionid"],
  [/scrm_sid(?:\.sig)?=(?!\[redacted\])[^;\s"\\]+/, "a session cookie"],
  [/access_token\\?["']?\s*[:=]\s*\\?["']?(?!\[redacted\])[\w-]{4,}/i, "an access_token"],
];
// Request ids and object ids are hex: their digit runs are not phone numbers.
const HEX_IDS = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|(?<![0-9a-z])[0-9a-f]{16,}(?![0-9a-z])/gi;

/**
 * What a log line gives away: secrets, tokens, phone numbers, unionids, session cookies.
 *
 * @param line one log line.
 * @returns a description per leak (none when the line is clean).
 */
export function findLogLeaks(line: string): string[] {
  const found = SECRETS.filter(([secret]) => line.includes(secret)).map(([, name]) => name);
  const withoutIds = line.replace(HEX_IDS, "<id>");
  return found.concat(LEAK_PATTERNS.filter(([pattern]) => pattern.test(withoutIds)).map(([, name]) => name));
}

/**
 * A line fit to print in a failure: the secrets replaced by their names, phones and the like masked.
 *
 * @param line the offending line.
 * @returns the line with every known secret masked.
 */
export function maskSecrets(line: string): string {
  return scrubText(SECRETS.reduce((masked, [secret, name]) => masked.split(secret).join(`<${name}>`), line)).trim();
}

const leaks: string[] = [];
const recorders = new Set<string[]>();
let linesWritten = 0;
// LOG_LEVEL=info npm test still shows lines at that level on stderr; stdout stays for mocha.
const echoLevel = process.env.LOG_LEVEL && process.env.LOG_LEVEL !== "silent" ? pino.levels.values[process.env.LOG_LEVEL] : undefined;

// Every line of the run, at trace level, scanned as it is written and kept only when recorded.
const capture = new Writable({
  write(chunk: Buffer, _encoding, done) {
    const line = chunk.toString();
    linesWritten += 1;
    const reasons = findLogLeaks(line);
    if (reasons.length > 0 && leaks.length < 20) {
      leaks.push(`${reasons.join(", ")}: ${maskSecrets(line)}`);
    }
    for (const lines of recorders) {
      lines.push(line);
    }
    if (echoLevel !== undefined && (JSON.parse(line) as { level: number }).level >= echoLevel) {
      process.stderr.write(line);
    }
    done();
  },
});

/** Send the server's log to the run's capture (again, after a test pointed it elsewhere). */
export function captureLogs(): void {
  configureLogger("trace", capture);
}

/**
 * Keep the log lines written from now on, for a test to look at.
 *
 * @returns the lines so far and a stop function.
 */
export function recordLogs(): { lines: string[]; stop(): void } {
  const lines: string[] = [];
  recorders.add(lines);
  return { lines, stop: () => recorders.delete(lines) };
}

// Before any spec file loads, so loggers made while suites are declared write here too.
captureLogs();

/** Root hooks: one embedded database (memory backend) per run, WeCom's hosts behind nock, and the log scanned for leaks. */
export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(120_000);
    const env = parseEnv({ ...process.env, NODE_ENV: "test", LOG_LEVEL: process.env.LOG_LEVEL ?? "silent" });
    database = await connectDatabase({
      uri: env.MONGODB_URI,
      backend: "memory",
      dataDir,
      dbName: `scrm_test_${process.pid}`,
    });
    await mongoose.connection.db?.dropDatabase();
    for (const model of Object.values(mongoose.models)) {
      await model.createIndexes();
    }
    nock.disableNetConnect();
    nock.enableNetConnect(/^(127\.0\.0\.1|localhost)(:\d+)?$/);
  },
  afterEach() {
    nock.cleanAll();
  },
  async afterAll() {
    nock.enableNetConnect();
    await database?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
    if (leaks.length > 0) {
      throw new Error(`the log gave away secrets or personal data (${linesWritten} lines scanned):\n${leaks.join("\n")}`);
    }
  },
};

/** The URI of the run's database, for child processes that must share it. */
export function testDatabaseUri(): string {
  if (!database) {
    throw new Error("database not started");
  }
  return database.uri;
}

/** Remove every document (indexes stay), so each test starts from an empty database. */
export async function resetDatabase(): Promise<void> {
  await Promise.all(Object.values(mongoose.models).map((model) => model.deleteMany({})));
}
