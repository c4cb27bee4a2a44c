// The draw page's first-load weight on a phone: the gzip bytes of the HTML and of every script
// and stylesheet it loads before it can draw (the entry, its modulepreloads, its CSS), from the
// built files in sidebar/dist (run `npm run build` first). Baseline: the funnel landing page, one
// server-rendered HTML with inline styles and no script.
//
//   npx tsx bench/drawPageWeight.ts
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import zlib from "node:zlib";
import { landingHtml } from "../server/routes/landing/html.ts";

const DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "sidebar", "dist");

const gzip = (bytes: Buffer | string) => zlib.gzipSync(bytes, { level: 9 }).length;

/**
 * Every asset the page's HTML loads up front (script, modulepreload, stylesheet), and the
 * scripts' own static imports, which the browser fetches before running the entry.
 */
function firstLoad(html: string): string[] {
  const found = new Set<string>();
  for (const match of html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.(?:js|css))"/g)) {
    found.add(match[1] as string);
  }
  const queue = [...found].filter((asset) => asset.endsWith(".js"));
  while (queue.length > 0) {
    const asset = queue.shift() as string;
    const code = fs.readFileSync(path.join(DIST, asset), "utf8");
    // Static imports only (`import … from "./x.js"`); dynamic import() is not first load.
    for (const match of code.matchAll(/(?:^|[;}\n])\s*import\s*(?:[^"'()]*?from\s*)?["'](\.\/[^"']+\.js)["']/g)) {
      const imported = `/assets/${path.basename(match[1] as string)}`;
      if (!found.has(imported)) {
        found.add(imported);
        queue.push(imported);
      }
    }
  }
  return [...found];
}

function main(): void {
  const index = path.join(DIST, "draw", "index.html");
  if (!fs.existsSync(index)) {
    throw new Error("sidebar/dist/draw/index.html is missing: run `npm run build` first");
  }
  const html = fs.readFileSync(index, "utf8");
  const assets = firstLoad(html);
  let raw = Buffer.byteLength(html);
  let zipped = gzip(html);
  const rows = [`  html                ${String(Buffer.byteLength(html)).padStart(7)} B  gzip ${String(gzip(html)).padStart(6)} B`];
  for (const asset of assets) {
    const bytes = fs.readFileSync(path.join(DIST, asset));
    raw += bytes.length;
    zipped += gzip(bytes);
    rows.push(`  ${asset.padEnd(40)} ${String(bytes.length).padStart(7)} B  gzip ${String(gzip(bytes)).padStart(6)} B`);
  }
  const landing = landingHtml({ kind: "active", title: "直播间会员福利群", groupName: "直播间福利一群", text: "进群领 20 元无门槛券，每周三会员专享秒杀", imageUrl: "", qrSrc: "https://wework.qpic.cn/wwpic/bench-qr/0" });
  process.stdout.write(`bench: draw page first load (sidebar/dist, gzip -9)\n${rows.join("\n")}\n`);
  process.stdout.write(`  baseline: funnel landing /g/<slug> ${Buffer.byteLength(landing)} B, gzip ${gzip(landing)} B (no script)\n`);
  process.stdout.write(`draw page: ${zipped} B gzip (${raw} B raw, ${assets.length + 1} files) baseline landing: ${gzip(landing)} B gzip ratio: ${(zipped / gzip(landing)).toFixed(1)}\n`);
}

main();
