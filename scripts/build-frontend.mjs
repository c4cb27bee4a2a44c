// Build the sidebar and console (Vite) unless sidebar/dist is newer than every source file.
// `npm start` runs this first, so a fresh clone serves /sidebar/ and /console/ without a
// separate build step, and a restart after no front-end change costs nothing.
//
//   node scripts/build-frontend.mjs [--force]
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const FRONTEND = path.join(ROOT, "sidebar");
const PAGES = ["sidebar", "console", "sandbox", "draw"];
const OUTPUTS = PAGES.map((page) => path.join(FRONTEND, "dist", page, "index.html"));
// The pages import labels.ts (by value) and the presenters' types from the server.
const SOURCES = [path.join(FRONTEND, "src"), ...PAGES.map((page) => path.join(FRONTEND, page)), path.join(FRONTEND, "vite.config.ts"), path.join(ROOT, "server", "presenters"), path.join(ROOT, "package-lock.json")];

function newestMtime(entry) {
  if (!fs.existsSync(entry)) {
    return 0;
  }
  const stat = fs.statSync(entry);
  if (!stat.isDirectory()) {
    return stat.mtimeMs;
  }
  return fs.readdirSync(entry).reduce((newest, name) => Math.max(newest, newestMtime(path.join(entry, name))), stat.mtimeMs);
}

/**
 * @returns true when the built pages are missing or older than a source.
 */
export function frontendIsStale() {
  if (!OUTPUTS.every((file) => fs.existsSync(file))) {
    return true;
  }
  const built = Math.min(...OUTPUTS.map((file) => fs.statSync(file).mtimeMs));
  return SOURCES.some((source) => newestMtime(source) > built);
}

/**
 * Build when stale (or always with force).
 *
 * @param {{ force?: boolean, quiet?: boolean }} options
 * @returns {boolean} whether a build ran.
 */
export function buildFrontend(options = {}) {
  if (!options.force && !frontendIsStale()) {
    return false;
  }
  const vite = path.join(ROOT, "node_modules", "vite", "bin", "vite.js");
  const result = spawnSync(process.execPath, [vite, "build", "--config", path.join(FRONTEND, "vite.config.ts"), "--logLevel", options.quiet ? "error" : "warn"], {
    cwd: ROOT,
    stdio: options.quiet ? ["ignore", "ignore", "inherit"] : "inherit",
  });
  if (result.status !== 0) {
    throw new Error(`building the sidebar and console failed (vite exit ${result.status})`);
  }
  return true;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const force = process.argv.includes("--force");
  const stale = force || frontendIsStale();
  if (stale) {
    console.log("building the sidebar and console (vite)…");
  }
  buildFrontend({ force });
}
