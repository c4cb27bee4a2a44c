// npm postinstall: fetch the jars of the embedded MongoDB-protocol server (mongo-java-server)
// that `npm start` and the tests use when MONGODB_URI is unset and no mongod is on the PATH.
// server/db/embeddedMongo.ts runs it too (with --force) when the cache is missing.
//
// Usage: node scripts/install-embedded-db.mjs [--force]
//   --force  fetch even when MONGODB_URI is set, mongod is on the PATH or NODE_ENV=production.
//
// Result: .cache/mongo-java-server-1.47.0/lib/*.jar plus classpath.txt (one jar name a line),
// written last, so its presence means the cache is complete.

import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { stripVTControlCharacters } from "node:util";

// Keep in step with scripts/embedded-mongo/pom.xml and server/db/embeddedMongo.ts.
const VERSION = "1.47.0";
const MIN_JAVA = 17;
const INSTALL_HINT =
  "Install a JDK/JRE 17+ and Maven (Debian/Ubuntu: apt-get install -y openjdk-17-jre-headless maven), " +
  "or install mongod, or set MONGODB_URI to an existing MongoDB.";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const pom = path.join(root, "scripts", "embedded-mongo", "pom.xml");
const cacheDir = path.join(root, ".cache", `mongo-java-server-${VERSION}`);
const force = process.argv.includes("--force");

/**
 * Finds an executable on the PATH, as a shell would.
 *
 * @param {string} name program name.
 * @returns {string | undefined} its full path, or undefined when absent.
 */
function which(name) {
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
 * Tells whether a cache directory holds every jar its classpath.txt names.
 *
 * @param {string} dir cache directory.
 * @returns {boolean} true when the cache can be used as is.
 */
function isComplete(dir) {
  let names;
  try {
    names = fs.readFileSync(path.join(dir, "classpath.txt"), "utf8").split("\n").filter(Boolean);
  } catch {
    return false;
  }
  return names.length > 0 && names.every((name) => fs.existsSync(path.join(dir, "lib", name)));
}

/** A failure the user can fix; printed without a stack trace. */
class InstallError extends Error {
  /**
   * @param {string} message what is wrong.
   * @param {boolean} missingTool whether to add the hint on what to install.
   */
  constructor(message, missingTool) {
    super(message);
    this.missingTool = missingTool;
  }
}

/**
 * Aborts the install; thrown rather than exiting so `finally` still removes the temp directory.
 *
 * @param {string} message what is wrong.
 * @param {boolean} [missingTool] whether a tool is missing (adds the hint on what to install).
 * @returns {never} never returns.
 */
function fail(message, missingTool = false) {
  throw new InstallError(message, missingTool);
}

function main() {
  if (!force) {
    // These setups never start mongo-java-server, so a missing Java must not break `npm install`.
    if (process.env.MONGODB_URI) {
      console.log("install-embedded-db: MONGODB_URI is set; skipping the embedded database.");
      return;
    }
    if (which("mongod")) {
      console.log("install-embedded-db: mongod is on the PATH; skipping mongo-java-server.");
      return;
    }
    if (process.env.NODE_ENV === "production") {
      console.log("install-embedded-db: NODE_ENV=production uses MONGODB_URI; skipping the embedded database.");
      return;
    }
  }

  // Checked even with a warm cache: the jars are useless without a JVM, and it is better to
  // learn that at install time than at the first `npm start`.
  if (!which("java")) {
    fail("`java` is not on the PATH; the embedded database (mongo-java-server) needs Java 17+.", true);
  }
  if (isComplete(cacheDir)) {
    return;
  }
  if (!which("mvn")) {
    fail("`mvn` is not on the PATH; it is needed once to fetch mongo-java-server's jars from Maven Central.", true);
  }
  const javaVersion = spawnSync("java", ["-version"], { encoding: "utf8" });
  const major = Number(/version "(\d+)/.exec(`${javaVersion.stderr}`)?.[1] ?? 0);
  if (major < MIN_JAVA) {
    fail(`Java ${MIN_JAVA}+ is needed, found: ${`${javaVersion.stderr}`.split("\n")[0] || "unknown"}.`, true);
  }

  console.log(`install-embedded-db: fetching mongo-java-server ${VERSION} jars with Maven (one time)...`);
  const started = Date.now();
  fs.mkdirSync(path.dirname(cacheDir), { recursive: true });
  // Built beside the final directory and renamed into place, so an interrupted fetch never
  // leaves a cache that looks complete.
  const tmpDir = fs.mkdtempSync(`${cacheDir}.tmp-`);
  try {
    const mvn = spawnSync(
      "mvn",
      [
        "-q",
        "-B",
        "--no-transfer-progress",
        "-Dstyle.color=never",
        "-f",
        pom,
        "dependency:copy-dependencies",
        `-DoutputDirectory=${path.join(tmpDir, "lib")}`,
        "-DincludeScope=runtime",
      ],
      // Captured, not inherited: even with -q Maven 3.8 prints bare colour-reset codes.
      { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 16 * 1024 * 1024 },
    );
    if (mvn.status !== 0) {
      const output = stripVTControlCharacters(`${mvn.stdout ?? ""}${mvn.stderr ?? ""}`).trim();
      fail(`mvn dependency:copy-dependencies failed (exit ${mvn.status ?? mvn.signal}):\n${output}`);
    }
    const jars = fs
      .readdirSync(path.join(tmpDir, "lib"))
      .filter((name) => name.endsWith(".jar"))
      .sort();
    if (!jars.some((name) => name.startsWith(`mongo-java-server-h2-backend-${VERSION}`))) {
      fail("Maven finished but mongo-java-server's jars are missing.");
    }
    fs.writeFileSync(path.join(tmpDir, "classpath.txt"), `${jars.join("\n")}\n`);
    // A concurrent install (two test runs at once) may have finished first: keep its cache,
    // which a JVM may already be reading.
    if (!isComplete(cacheDir)) {
      fs.rmSync(cacheDir, { recursive: true, force: true });
      fs.renameSync(tmpDir, cacheDir);
    }
    console.log(`install-embedded-db: ${jars.length} jars in ${path.relative(root, cacheDir)} (${Date.now() - started} ms).`);
  } finally {
    fs.rmSync(tmpDir, { recursive: true, force: true });
  }
}

try {
  main();
} catch (error) {
  if (!(error instanceof InstallError)) {
    throw error;
  }
  console.error(`install-embedded-db: ${error.message}${error.missingTool ? `\n  ${INSTALL_HINT}` : ""}`);
  process.exitCode = 1;
}
