import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import type { Logger } from "pino";
import { ensureJars } from "./embeddedJars.ts";
import { killStaleServer, PID_FILE, readPidFile } from "./embeddedPidFile.ts";

/** The embedded server's storage: `memory` is fresh on every start (tests), `h2` keeps a file (npm start). */
export type EmbeddedBackend = "memory" | "h2";

/** A running embedded MongoDB-protocol server owned by this process. */
export interface EmbeddedMongo {
  /** Connection string, database name included. */
  uri: string;
  /** What serves it: a real mongod from the PATH, or mongo-java-server on the JVM. */
  engine: "mongod" | "mongo-java-server";
  /** Storage in use. */
  backend: EmbeddedBackend;
  /** Ends the server, waits for it to exit and removes its pid file. Safe to call twice. */
  stop(): Promise<void>;
}

/** Options of {@link startEmbeddedMongo}. */
export interface EmbeddedMongoOptions {
  /** `memory` for a throwaway database, `h2` for one that survives restarts. */
  backend: EmbeddedBackend;
  /** Holds the pid file and, for `h2`, the data (`mongo.mv`, or `mongod/` with a real mongod). */
  dataDir: string;
  /** Database name put in the URI; defaults to "scrm". */
  dbName?: string;
  /** Receives which engine, backend and port are in use, and the server's warnings. */
  logger?: Logger;
}

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const LAUNCHER = path.join(ROOT, "scripts", "embedded-mongo", "Launcher.java");
const IGNORED_INDEX_NOTICE = /adding secondary index .* is not yet implemented/;
const START_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 5_000;
// Enough of the child's stderr to explain a failed start without holding a chatty log forever.
const STDERR_TAIL_CHARS = 8_000;
// Children whose exit we asked for, so an exit is only reported when it was not.
const stopRequested = new WeakSet<ChildProcess>();

/**
 * Starts an embedded MongoDB-protocol server on a free loopback port: a `mongod` from the PATH
 * when there is one, otherwise mongo-java-server (fetching its jars first if the cache is missing).
 * A launcher left running by a crashed earlier process with the same `dataDir` is killed first.
 *
 * @param options backend, data directory, database name and logger.
 * @returns the running server; call `stop()` when done.
 */
export async function startEmbeddedMongo(options: EmbeddedMongoOptions): Promise<EmbeddedMongo> {
  const dataDir = path.resolve(options.dataDir);
  const dbName = options.dbName ?? "scrm";
  fs.mkdirSync(dataDir, { recursive: true });
  await killStaleServer(dataDir, options.logger);

  const mongod = which("mongod");
  const started = mongod
    ? await startMongod(mongod, options.backend, dataDir)
    : await startMongoJavaServer(options.backend, dataDir, options.logger);

  const { child, port, engine, cleanup } = started;
  const pid = child.pid;
  const pidFile = path.join(dataDir, PID_FILE);
  if (pid !== undefined) {
    fs.writeFileSync(pidFile, `${pid}\n`);
  }
  options.logger?.info(
    { engine, backend: options.backend, port, serverPid: pid, dataDir },
    `embedded MongoDB (${engine}, ${options.backend}) listening on 127.0.0.1:${port}`,
  );

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      await endChild(child, engine);
      // Another start may have taken over this dataDir (and the pid file) after killing us.
      if (pid !== undefined && readPidFile(pidFile) === pid) {
        fs.rmSync(pidFile, { force: true });
      }
      cleanup();
    })();
    return stopping;
  };

  return { uri: `mongodb://127.0.0.1:${port}/${dbName}`, engine, backend: options.backend, stop };
}

interface StartedServer {
  child: ChildProcess;
  port: number;
  engine: EmbeddedMongo["engine"];
  cleanup: () => void;
}

// Both servers are spawned `detached` (their own process group) so a Ctrl+C in the terminal
// reaches only Node, which can then finish its graceful shutdown before calling stop().

/**
 * Starts mongo-java-server through the source-file launcher.
 *
 * @param backend storage to use.
 * @param dataDir where the H2 file lives.
 * @param logger optional logger.
 * @returns the child and its port.
 */
async function startMongoJavaServer(backend: EmbeddedBackend, dataDir: string, logger?: Logger): Promise<StartedServer> {
  if (!which("java")) {
    throw new Error(
      "embedded MongoDB needs Java 17+ for mongo-java-server (apt-get install -y openjdk-17-jre-headless), " +
        "or a mongod on the PATH, or MONGODB_URI set to an existing MongoDB",
    );
  }
  const classpath = await ensureJars(logger);
  const args = [
    // Startup time matters more than peak speed for a throwaway test database.
    ...(backend === "memory" ? ["-XX:TieredStopAtLevel=1"] : []),
    "-XX:+UseSerialGC",
    "-cp",
    classpath,
    LAUNCHER,
    "--port",
    "0",
    "--backend",
    backend,
    ...(backend === "h2" ? ["--file", path.join(dataDir, "mongo.mv")] : []),
  ];
  const child = spawn("java", args, { cwd: ROOT, stdio: ["pipe", "pipe", "pipe"], detached: true });
  const port = await waitForLine(child, /^LISTENING (\d+)$/, "mongo-java-server", logger);
  return { child, port, engine: "mongo-java-server", cleanup: () => undefined };
}

/**
 * Starts a real mongod. It cannot pick its own port, so a free one is reserved and released
 * just before; the tiny race is acceptable for a development database.
 *
 * @param mongod path of the binary.
 * @param backend `memory` uses a temp dbpath removed on stop, `h2` keeps `<dataDir>/mongod`.
 * @param dataDir data directory.
 * @returns the child and its port.
 */
async function startMongod(mongod: string, backend: EmbeddedBackend, dataDir: string): Promise<StartedServer> {
  const dbPath =
    backend === "memory" ? fs.mkdtempSync(path.join(os.tmpdir(), "scrm-mongod-")) : path.join(dataDir, "mongod");
  fs.mkdirSync(dbPath, { recursive: true });
  const port = await freePort();
  const child = spawn(mongod, ["--port", String(port), "--bind_ip", "127.0.0.1", "--dbpath", dbPath], {
    stdio: ["pipe", "pipe", "pipe"],
    detached: true,
  });
  // mongod 4.4+ logs JSON ("Waiting for connections"), older ones plain text; both say it.
  await waitForLine(child, /waiting for connections/i, "mongod");
  const cleanup = (): void => {
    if (backend === "memory") {
      fs.rmSync(dbPath, { recursive: true, force: true });
    }
  };
  return { child, port, engine: "mongod", cleanup };
}

/**
 * Waits until the child prints a line matching `ready` on stdout, then keeps draining its
 * output (a full pipe would block the server) and forwards stderr to the logger.
 *
 * @param child the starting server.
 * @param ready pattern of the ready line; its first group, if any, is the port.
 * @param name for messages.
 * @param logger receives stderr lines once running.
 * @returns the port from the ready line, or 0 when the pattern has no group.
 */
function waitForLine(child: ChildProcess, ready: RegExp, name: string, logger?: Logger): Promise<number> {
  const { stdout, stderr } = child;
  if (!stdout || !stderr) {
    throw new Error(`${name}: spawned without piped output`);
  }
  let stderrTail = "";
  let running = false;
  stderr.setEncoding("utf8");
  stderr.on("data", (chunk: string) => {
    stderrTail = (stderrTail + chunk).slice(-STDERR_TAIL_CHARS);
    if (running && logger) {
      for (const line of chunk.split("\n").filter((text) => text.trim() !== "")) {
        // mongo-java-server accepts but ignores non-unique indexes and says so for each one; that
        // is a known limit of the embedded database (README), not something to act on.
        if (IGNORED_INDEX_NOTICE.test(line)) {
          logger.debug({ engine: name }, line);
        } else {
          logger.warn({ engine: name }, line);
        }
      }
    }
  });

  return new Promise<number>((resolve, reject) => {
    const lines = readline.createInterface({ input: stdout });
    const fail = (message: string): void => {
      clearTimeout(timer);
      child.off("exit", onExit);
      child.off("error", onError);
      lines.removeAllListeners("line");
      child.kill("SIGKILL");
      const details = stderrTail.trim();
      reject(new Error(details === "" ? message : `${message}\n${details}`));
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
      fail(`${name} exited before accepting connections (${signal ?? `exit code ${code}`})`);
    };
    const onError = (error: Error): void => {
      fail(`${name} could not be started: ${error.message}`);
    };
    const timer = setTimeout(() => {
      fail(`${name} did not accept connections within ${START_TIMEOUT_MS / 1000} s`);
    }, START_TIMEOUT_MS);

    child.once("exit", onExit);
    child.once("error", onError);
    lines.on("line", (line) => {
      const match = ready.exec(line.trim());
      if (!match) {
        return;
      }
      running = true;
      clearTimeout(timer);
      child.off("exit", onExit);
      child.off("error", onError);
      lines.removeAllListeners("line");
      // Still consumed so the child never blocks on a full stdout pipe.
      lines.on("line", () => undefined);
      child.once("exit", (code, signal) => {
        if (!stopRequested.has(child)) {
          logger?.error({ engine: name, code, signal }, `${name} exited unexpectedly`);
        }
      });
      resolve(match[1] === undefined ? 0 : Number(match[1]));
    });
  });
}

/**
 * Ends a server child and waits for it: the launcher stops when its stdin closes, mongod on
 * SIGTERM; SIGKILL follows if it hangs.
 *
 * @param child the server.
 * @param engine which kind it is.
 * @returns when the child has exited.
 */
async function endChild(child: ChildProcess, engine: EmbeddedMongo["engine"]): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return;
  }
  stopRequested.add(child);
  const exited = new Promise<void>((resolve) => {
    child.once("exit", () => resolve());
  });
  if (engine === "mongo-java-server") {
    child.stdin?.end();
  } else {
    child.kill("SIGTERM");
  }
  if (await settlesWithin(exited, STOP_GRACE_MS)) {
    return;
  }
  child.kill("SIGTERM");
  if (await settlesWithin(exited, STOP_GRACE_MS)) {
    return;
  }
  child.kill("SIGKILL");
  await exited;
}

/**
 * Races a promise against a delay.
 *
 * @param promise what to wait for.
 * @param ms how long to wait.
 * @returns true when the promise settled first.
 */
async function settlesWithin(promise: Promise<void>, ms: number): Promise<boolean> {
  const controller = new AbortController();
  const result = await Promise.race([
    promise.then(() => true),
    sleep(ms, false, { signal: controller.signal }).catch(() => false),
  ]);
  controller.abort();
  return result;
}

/**
 * Finds an executable on the PATH.
 *
 * @param name program name.
 * @returns its full path, or undefined when absent.
 */
function which(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (dir === "") {
      continue;
    }
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) {
        return candidate;
      }
    } catch {
      // Not in this directory.
    }
  }
  return undefined;
}

/**
 * Asks the OS for a free loopback port.
 *
 * @returns a port that was free a moment ago.
 */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
