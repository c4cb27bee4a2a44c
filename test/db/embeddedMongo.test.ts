import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import mongoose, { type Connection } from "mongoose";
import { startEmbeddedMongo, type EmbeddedMongo } from "../../server/db/embeddedMongo.ts";

/**
 * Whether a process is still running; a zombie (dead, not yet reaped) has no command line.
 *
 * @param pid process id.
 * @returns true while it runs.
 */
function isRunning(pid: number): boolean {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8") !== "";
  } catch {
    return false;
  }
}

describe("embedded MongoDB", function () {
  // A cold JVM start plus, on a fresh machine, the one-time jar fetch.
  this.timeout(120_000);

  const dirs: string[] = [];
  const servers: EmbeddedMongo[] = [];
  const connections: Connection[] = [];

  /**
   * A fresh data directory, removed after the test.
   *
   * @returns its path.
   */
  function tempDir(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "scrm-embedded-mongo-"));
    dirs.push(dir);
    return dir;
  }

  /**
   * Starts a server that afterEach stops.
   *
   * @param backend storage to use.
   * @param dataDir data directory.
   * @returns the server.
   */
  async function start(backend: "memory" | "h2", dataDir: string): Promise<EmbeddedMongo> {
    const server = await startEmbeddedMongo({ backend, dataDir });
    servers.push(server);
    return server;
  }

  /**
   * Opens a mongoose connection that afterEach closes.
   *
   * @param uri connection string.
   * @returns the open connection.
   */
  async function connect(uri: string): Promise<Connection> {
    const connection = await mongoose.createConnection(uri, { serverSelectionTimeoutMS: 10_000 }).asPromise();
    connections.push(connection);
    return connection;
  }

  afterEach(async function () {
    await Promise.all(connections.splice(0).map((connection) => connection.close(true)));
    await Promise.all(servers.splice(0).map((server) => server.stop()));
    for (const dir of dirs.splice(0)) {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  describe("memory backend", function () {
    let server: EmbeddedMongo;
    let connection: Connection;

    beforeEach(async function () {
      server = await start("memory", tempDir());
      connection = await connect(server.uri);
    });

    it("serves mongoose 9 and reports MongoDB 4.4 (wire version 9)", async function () {
      assert.equal(server.backend, "memory");
      assert.match(server.uri, /^mongodb:\/\/127\.0\.0\.1:\d+\/scrm$/);
      assert.equal(connection.name, "scrm");

      const admin = connection.db?.admin();
      assert.ok(admin);
      const hello = await admin.command({ hello: 1 });
      assert.equal(hello.isWritablePrimary, true);
      assert.ok(Number(hello.maxWireVersion) >= 9, `maxWireVersion ${String(hello.maxWireVersion)}`);
      const buildInfo = await admin.command({ buildInfo: 1 });
      const versionArray = buildInfo.versionArray as number[];
      assert.ok((versionArray[0] ?? 0) * 100 + (versionArray[1] ?? 0) >= 404, `version ${String(buildInfo.version)}`);
    });

    it("enforces a unique index with duplicate key error 11000", async function () {
      const members = connection.collection("members");
      await members.createIndex({ externalUserId: 1 }, { unique: true });
      await members.insertOne({ externalUserId: "wm-1" });

      await assert.rejects(members.insertOne({ externalUserId: "wm-1" }), (error: unknown) => {
        assert.equal((error as { code?: unknown }).code, 11000);
        return true;
      });
      assert.equal(await members.countDocuments(), 1);
    });

    it("keeps a conditional findOneAndUpdate with $inc atomic under 200 concurrent calls", async function () {
      const Coupon = connection.model("Coupon", new mongoose.Schema({ code: String, remaining: Number }));
      // Several rounds: a race that shows up in a fraction of rounds must still fail the test.
      for (let round = 0; round < 5; round++) {
        const code = `SPRING-${round}`;
        await Coupon.create({ code, remaining: 10 });

        const results = await Promise.all(
          Array.from({ length: 200 }, () =>
            Coupon.findOneAndUpdate(
              { code, remaining: { $gt: 0 } },
              { $inc: { remaining: -1 } },
              { returnDocument: "after" },
            ).lean(),
          ),
        );

        const won = results.filter((result) => result !== null);
        assert.equal(won.length, 10);
        // Each winner got its own post-update value: the returned image is not shared with a later update.
        assert.deepEqual(
          won.map((result) => result.remaining).sort((a, b) => Number(a) - Number(b)),
          [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
        );
        const after = await Coupon.findOne({ code }).lean();
        assert.equal(after?.remaining, 0);
      }
    });
  });

  it("h2 backend keeps a document across stop and start", async function () {
    const dataDir = tempDir();
    const first = await start("h2", dataDir);
    assert.equal(first.backend, "h2");
    const firstConnection = await connect(first.uri);
    await firstConnection.collection("tenants").insertOne({ corpId: "ww-persist", name: "Kept" });
    await firstConnection.close();
    await first.stop();
    assert.ok(fs.existsSync(path.join(dataDir, "mongo.mv")) || first.engine === "mongod");
    assert.equal(fs.existsSync(path.join(dataDir, "embedded-mongo.pid")), false);

    const second = await start("h2", dataDir);
    const secondConnection = await connect(second.uri);
    const kept = await secondConnection.collection("tenants").findOne({ corpId: "ww-persist" });
    assert.equal(kept?.name, "Kept");
  });

  it("kills a stale launcher left on the same data directory and starts anyway", async function () {
    const dataDir = tempDir();
    // Started and then "forgotten", as if the process that owned it had crashed.
    const stale = await start("h2", dataDir);
    const stalePid = Number(fs.readFileSync(path.join(dataDir, "embedded-mongo.pid"), "utf8"));
    assert.ok(isRunning(stalePid));

    const fresh = await start("h2", dataDir);
    assert.notEqual(fresh.uri, stale.uri);
    assert.equal(isRunning(stalePid), false);
    const connection = await connect(fresh.uri);
    await connection.collection("probe").insertOne({ ok: true });
    assert.equal(await connection.collection("probe").countDocuments(), 1);

    // Stopping the dead one must not take the live server's pid file with it.
    await stale.stop();
    const pidFile = path.join(dataDir, "embedded-mongo.pid");
    assert.notEqual(Number(fs.readFileSync(pidFile, "utf8")), stalePid);
  });
});
