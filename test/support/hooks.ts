import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import mongoose from "mongoose";
import nock from "nock";
import { connectDatabase, type DatabaseHandle } from "../../server/db/connection.ts";
import { parseEnv } from "../../server/env.ts";
import { configureLogger } from "../../server/logging/logger.ts";
import "../../server/models/index.ts";

let database: DatabaseHandle | null = null;
// Per run, so two test runs on one machine never take each other's database down as "stale".
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "scrm-test-"));

/** Root hooks: one embedded database (memory backend) per run, WeCom's hosts behind nock. */
export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(120_000);
    const env = parseEnv({ ...process.env, NODE_ENV: "test", LOG_LEVEL: process.env.LOG_LEVEL ?? "silent" });
    configureLogger(env.LOG_LEVEL);
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
