import fs from "node:fs";
import path from "node:path";

const NOT_BUILT = "<!doctype html><meta charset=\"utf-8\"><title>抽奖</title><p>页面尚未构建：请运行 node scripts/build-frontend.mjs（npm start 会自动构建）</p>";

/**
 * The built draw page (sidebar/dist/draw/index.html from the Vite entry `draw`), read once per
 * request: it is small, and a deploy is then picked up without a restart.
 *
 * @param distDir sidebar/dist, or null when the server serves no pages.
 * @returns the status and HTML.
 */
export async function drawPageHtml(distDir: string | null): Promise<{ status: number; html: string }> {
  if (!distDir) {
    // A server built without pages (tests, an API-only node) has no draw page to offer.
    return { status: 404, html: "<!doctype html><meta charset=\"utf-8\"><title>抽奖</title><p>此服务器不提供页面</p>" };
  }
  try {
    return { status: 200, html: await fs.promises.readFile(path.join(distDir, "draw", "index.html"), "utf8") };
  } catch {
    return { status: 503, html: NOT_BUILT };
  }
}
