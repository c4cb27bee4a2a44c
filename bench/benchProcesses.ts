// Child processes of the benches: the server and baseline started as their own processes,
// stopped gracefully, and how much CPU they (and the database JVM) used.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { ProbeSnapshot } from "./serverProbe.ts";

export async function freePort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export async function startProcess(
  script: string,
  argv: string[],
  env: Record<string, string>,
  ready: (url: string) => Promise<boolean>,
  url: string,
  nodeFlags: string[] = [],
): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", ...nodeFlags, script, ...argv], {
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (await ready(url).catch(() => false)) {
      return child;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  child.kill("SIGKILL");
  throw new Error(`${script} did not start`);
}

/** SIGTERM, then wait for the exit (the server drains and disconnects; a CPU profile is written then). */
export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return;
  }
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
  await exited;
  clearTimeout(timer);
}

/** Ask the server's probe for its totals and wait for the file it writes. */
export async function probeSnapshot(child: ChildProcess, file: string): Promise<ProbeSnapshot> {
  const previous = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as ProbeSnapshot).seq : 0;
  child.kill("SIGUSR2");
  for (let tries = 0; tries < 200; tries += 1) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    if (fs.existsSync(file)) {
      const snapshot = JSON.parse(fs.readFileSync(file, "utf8")) as ProbeSnapshot;
      if (snapshot.seq > previous) {
        return snapshot;
      }
    }
  }
  throw new Error("the server's probe did not answer");
}

export function jcmd(pid: number | undefined, ...command: string[]): void {
  const result = spawnSync("jcmd", [String(pid), ...command], { encoding: "utf8" });
  if (result.status !== 0) {
    throw new Error(`jcmd ${command[0]}: ${result.stderr || result.stdout || result.error?.message}`);
  }
}

/** CPU seconds a process has used (Linux /proc; user + system). */
export function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) {
    return Number.NaN;
  }
  try {
    // Fields after the parenthesised command name: state is 3rd, utime 14th, stime 15th.
    const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}
