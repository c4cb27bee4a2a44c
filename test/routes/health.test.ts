import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startEmbeddedMongo } from "../../server/db/embeddedMongo.ts";

describe("GET /healthz when the database goes away", () => {
  it("should answer 200 while the database answers and 503 once it is gone", async function () {
    this.timeout(90_000);
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "scrm-health-"));
    const database = await startEmbeddedMongo({ backend: "memory", dataDir, dbName: "health" });
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const server = spawn(process.execPath, ["--import", "tsx", "server/main.ts"], {
      // Only what /healthz needs: no sandbox, scheduler or processor to start on a busy machine.
      env: { PATH: process.env.PATH, NODE_ENV: "test", PORT: String(port), HOST: "127.0.0.1", MONGODB_URI: database.uri, LOG_LEVEL: "silent", SANDBOX: "0", SCHEDULER: "0", EVENT_PROCESSOR: "0" },
      stdio: "ignore",
    });
    const url = `http://127.0.0.1:${port}/healthz`;
    const statusOf = async () => {
      try {
        return (await fetch(url, { signal: AbortSignal.timeout(5000) })).status;
      } catch {
        return 0;
      }
    };
    try {
      let status = 0;
      // Starting tsx and the server can take long on a loaded CI machine: wait by the clock.
      const deadline = Date.now() + 75_000;
      while (Date.now() < deadline && status !== 200) {
        status = await statusOf();
        if (status !== 200) {
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      }
      assert.equal(status, 200);
      await database.stop();
      assert.equal(await statusOf(), 503);
    } finally {
      server.kill("SIGKILL");
      await database.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
