import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { startEmbeddedMongo } from "../../server/db/embeddedMongo.ts";

describe("GET /healthz when the database goes away", () => {
  it("should answer 200 while the database answers and 503 once it is gone", async function () {
    this.timeout(90_000);
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "scrm-health-"));
    const database = await startEmbeddedMongo({ backend: "memory", dataDir, dbName: "health" });
    // A port the system just handed out, not a random one that may be some connection's local port.
    const port = await freePort();
    const server = spawn(process.execPath, ["--import", "tsx", "server/main.ts"], {
      // Only what /healthz needs: no sandbox, scheduler or processor to start on a busy machine.
      env: { PATH: process.env.PATH, NODE_ENV: "test", PORT: String(port), HOST: "127.0.0.1", MONGODB_URI: database.uri, LOG_LEVEL: "silent", SANDBOX: "0", SCHEDULER: "0", EVENT_PROCESSOR: "0" },
      stdio: ["ignore", "ignore", "pipe"],
    });
    // Should the server die on the way up, the failure says why instead of waiting out the clock.
    let stderr = "";
    let exited: number | null = null;
    server.stderr.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    server.on("exit", (code) => (exited = code ?? -1));
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
      while (Date.now() < deadline && status !== 200 && exited === null) {
        status = await statusOf();
        if (status !== 200) {
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      }
      assert.equal(status, 200, `the server did not answer${exited === null ? "" : ` (it exited with ${exited})`}: ${stderr}`);
      await database.stop();
      assert.equal(await statusOf(), 503);
    } finally {
      server.kill("SIGKILL");
      await database.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

/** A port nobody listens on right now, from the system. */
async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
