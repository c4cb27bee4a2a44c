import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Logger } from "pino";

// Keep in step with scripts/embedded-mongo/pom.xml and scripts/install-embedded-db.mjs.
const MONGO_JAVA_SERVER_VERSION = "1.47.0";
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const INSTALL_SCRIPT = path.join(ROOT, "scripts", "install-embedded-db.mjs");
const JAR_CACHE = path.join(ROOT, ".cache", `mongo-java-server-${MONGO_JAVA_SERVER_VERSION}`);
let installing: Promise<string> | undefined;

/**
 * Returns the jar classpath, running the install script once if the cache is missing
 * (postinstall may have been skipped because MONGODB_URI was set at install time).
 *
 * @param logger optional logger.
 * @returns the classpath, joined with the platform's separator.
 */
export async function ensureJars(logger?: Logger): Promise<string> {
  const cached = readClasspath();
  if (cached !== undefined) {
    return cached;
  }
  logger?.info("fetching mongo-java-server jars (one time)");
  // Concurrent starts in one process share a single fetch.
  installing ??= runInstallScript().finally(() => {
    installing = undefined;
  });
  const output = await installing;
  const classpath = readClasspath();
  if (classpath === undefined) {
    throw new Error(`could not install mongo-java-server:\n${output.trim()}`);
  }
  return classpath;
}

/**
 * Reads the classpath the install script wrote last, once every jar was in place.
 *
 * @returns the classpath, or undefined when the cache is incomplete.
 */
function readClasspath(): string | undefined {
  let names: string[];
  try {
    names = fs.readFileSync(path.join(JAR_CACHE, "classpath.txt"), "utf8").split("\n").filter(Boolean);
  } catch {
    return undefined;
  }
  const jars = names.map((name) => path.join(JAR_CACHE, "lib", name));
  if (jars.length === 0 || !jars.every((jar) => fs.existsSync(jar))) {
    return undefined;
  }
  return jars.join(path.delimiter);
}

/**
 * Runs scripts/install-embedded-db.mjs with --force.
 *
 * @returns its combined output, for the error message if it failed.
 */
function runInstallScript(): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [INSTALL_SCRIPT, "--force"], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      output += chunk;
    });
    child.stderr.on("data", (chunk: string) => {
      output += chunk;
    });
    child.once("error", (error) => resolve(`${output}${error.message}`));
    child.once("close", () => resolve(output));
  });
}
