import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "pino";

/** Written next to the data so a later process can find a server an earlier one left running. */
export const PID_FILE = "embedded-mongo.pid";
const STOP_GRACE_MS = 5_000;

/**
 * Kills a server that an earlier, crashed process started on this data directory: it would
 * hold the H2 file lock (or mongod's dbpath lock). The pid file alone is not trusted, since
 * pids are reused; the process must also look like one of ours.
 *
 * @param dataDir data directory holding the pid file.
 * @param logger optional logger.
 * @returns when no stale server is left.
 */
export async function killStaleServer(dataDir: string, logger?: Logger): Promise<void> {
  const pidFile = path.join(dataDir, PID_FILE);
  const pid = readPidFile(pidFile);
  if (pid === undefined) {
    return;
  }
  if (pid === process.pid || !isOurServer(pid)) {
    fs.rmSync(pidFile, { force: true });
    return;
  }
  logger?.warn({ serverPid: pid, dataDir }, "stopping an embedded MongoDB left running by an earlier process");
  for (const signal of ["SIGTERM", "SIGKILL"] as const) {
    try {
      process.kill(pid, signal);
    } catch {
      break;
    }
    const deadline = Date.now() + STOP_GRACE_MS;
    while (isOurServer(pid) && Date.now() < deadline) {
      await sleep(50);
    }
    if (!isOurServer(pid)) {
      break;
    }
  }
  if (isOurServer(pid)) {
    throw new Error(`could not stop the stale embedded MongoDB (pid ${pid}) using ${dataDir}`);
  }
  fs.rmSync(pidFile, { force: true });
}

/**
 * Reads the pid file.
 *
 * @param pidFile its path.
 * @returns the pid, or undefined when absent or garbled.
 */
export function readPidFile(pidFile: string): number | undefined {
  let text: string;
  try {
    text = fs.readFileSync(pidFile, "utf8");
  } catch {
    return undefined;
  }
  const pid = Number.parseInt(text.trim(), 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/**
 * Tells whether a live process is an embedded server of ours. A zombie has an empty command
 * line, so one that died but was not yet reaped counts as gone.
 *
 * @param pid process id.
 * @returns true for a running launcher or mongod.
 */
function isOurServer(pid: number): boolean {
  const cmdline = commandLine(pid);
  return cmdline.includes("Launcher.java") || /(^|\/)mongod\s.*--dbpath/.test(cmdline);
}

/**
 * A process's command line, arguments separated by spaces.
 *
 * @param pid process id.
 * @returns the command line, or "" when the process does not exist.
 */
function commandLine(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim();
  } catch {
    // Fall through to ps where there is no /proc (macOS).
  }
  if (fs.existsSync("/proc/self")) {
    return "";
  }
  const ps = spawnSync("ps", ["-o", "command=", "-p", String(pid)], { encoding: "utf8" });
  return ps.status === 0 ? ps.stdout.trim() : "";
}
