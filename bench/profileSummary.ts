// Summaries of the two profiles `bench:callbacks -- --profile DIR` records over the measured
// window: the server's V8 CPU profile by area of code, and the database JVM's Flight Recorder
// samples by the mongo-java-server operation they were in.
import { spawnSync } from "node:child_process";
import fs from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

// First match wins; a sample is put in the area of the function it was executing.
const AREAS: [string, (url: string, name: string) => boolean][] = [
  ["garbage collection", (_url, name) => name === "(garbage collector)"],
  ["database driver (mongodb, bson, mongoose)", (url) => /node_modules\/(mongodb|bson|mongoose|mquery|kareem)\//.test(url)],
  ["XML and schema parsing (fast-xml-parser, zod)", (url) => /node_modules\/(fast-xml-parser|zod|strnum|path-expression-matcher|@nodable)\/|wecom\/callbackEvent/.test(url)],
  ["signature and decryption", (url) => /callbackCrypto|node:internal\/crypto|@wecom\/crypto/.test(url)],
  ["Koa, routers, middlewares", (url) => /node_modules\/(koa|@koa|koa-compose|on-finished|ee-first|raw-body|iconv-lite|statuses|http-errors|content-type|type-is|mime-types|accepts|negotiator|cookies|keygrip|vary|delegates|fresh|encodeurl|escape-html)\/|server\/(middlewares|routes|app)/.test(url)],
  ["logging", (url) => /pino|redact|sonic-boom|server\/logging/.test(url)],
  ["event recorder", (url) => /eventRecorder|db\/duplicates/.test(url)],
  ["processor, handlers, WeCom client", (url) => /server\/(workers|commands|wecom\/client|domain)|node_modules\/(axios|follow-redirects|form-data|proxy-from-env)\//.test(url)],
  ["Node HTTP, sockets, streams, timers", (url) => /^node:/.test(url)],
  ["native (socket writes, microtasks)", (url, name) => url === "" && name !== "(idle)" && name !== "(program)"],
];

/**
 * Where a V8 CPU profile's busy time went, by area of code.
 *
 * @param file a .cpuprofile.
 * @returns one line per area, largest first, as shares of the busy time.
 */
export function summarizeCpuProfile(file: string): string[] {
  const profile = JSON.parse(fs.readFileSync(file, "utf8")) as CpuProfile;
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes) {
    for (const child of node.children ?? []) {
      parents.set(child, node.id);
    }
  }
  // The probe's own work (stopping this very profile, writing snapshots) is not the server's.
  const probe = (id: number): boolean => {
    for (let at: number | undefined = id; at !== undefined; at = parents.get(at)) {
      if (nodes.get(at)?.callFrame.url.endsWith("bench/serverProbe.ts")) {
        return true;
      }
    }
    return false;
  };
  const byArea = new Map<string, number>();
  let busy = 0;
  let idle = 0;
  profile.samples.forEach((id, index) => {
    const node = nodes.get(id) as ProfileNode;
    const micros = profile.timeDeltas[index] ?? 0;
    const { url, functionName } = node.callFrame;
    if (functionName === "(idle)" || probe(id)) {
      idle += micros;
      return;
    }
    busy += micros;
    const area = AREAS.find(([, test]) => test(url, functionName))?.[0] ?? "other";
    byArea.set(area, (byArea.get(area) ?? 0) + micros);
  });
  const lines = [`server CPU profile: busy ${(busy / 1e6).toFixed(1)} s of ${((busy + idle) / 1e6).toFixed(1)} s`];
  for (const [area, micros] of [...byArea].sort((a, b) => b[1] - a[1])) {
    lines.push(`  ${((100 * micros) / busy).toFixed(0).padStart(3)}%  ${area}`);
  }
  return lines;
}

/**
 * Where the database JVM's CPU went: Flight Recorder execution samples grouped by the first
 * mongo-java-server frame on their stack (H2's own threads by their first H2 frame).
 *
 * @param file a .jfr recording.
 * @param top how many groups to show.
 * @returns one line per group, largest first.
 */
export function summarizeJfr(file: string, top = 8): string[] {
  const printed = spawnSync("jfr", ["print", "--stack-depth", "48", "--events", "jdk.ExecutionSample", file], {
    encoding: "utf8",
    maxBuffer: 512 * 1024 * 1024,
  });
  if (printed.status !== 0) {
    return [`database JVM profile: jfr print failed: ${printed.stderr.trim()}`];
  }
  const groups = new Map<string, number>();
  let samples = 0;
  for (const sample of printed.stdout.split("jdk.ExecutionSample").slice(1)) {
    const frames = [...sample.matchAll(/^\s+([\w.$<>]+)\(/gm)].map((match) => match[1] as string);
    if (frames.length === 0) {
      continue;
    }
    samples += 1;
    const ours = frames.find((frame) => frame.startsWith("de.bwaldvogel."));
    const group = ours ?? `(H2 background) ${frames.find((frame) => frame.startsWith("org.h2.")) ?? frames.at(-1)}`;
    const short = group.replace("de.bwaldvogel.mongo.", "").replace("org.h2.mvstore.", "h2.");
    groups.set(short, (groups.get(short) ?? 0) + 1);
  }
  const lines = [`database JVM profile: ${samples} samples`];
  for (const [group, count] of [...groups].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    lines.push(`  ${((100 * count) / samples).toFixed(0).padStart(3)}%  ${group}`);
  }
  return lines;
}
