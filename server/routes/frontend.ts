import fs from "node:fs";
import path from "node:path";
import type { Context, Next } from "koa";
import serve from "koa-static";

/**
 * Serve the built sidebar and console: hashed files under /assets/ cached for a year, and each
 * page's index.html (never cached, so a deploy is picked up) for every path under /sidebar/ and
 * /console/ — the apps route on the client.
 *
 * @param distDir sidebar/dist.
 * @param pages the pages served (the sandbox page only in sandbox mode).
 * @returns the middleware; when nothing is built, the pages answer 503 with how to build them.
 */
export function frontend(distDir: string, pages: string[] = ["sidebar", "console"]) {
  const icon = favicon();
  const assets = serve(distDir, {
    index: false,
    gzip: false,
    setHeaders: (res) => res.setHeader("Cache-Control", "public, max-age=31536000, immutable"),
  });
  return async function frontendMiddleware(ctx: Context, next: Next): Promise<void> {
    if (ctx.method !== "GET" && ctx.method !== "HEAD") {
      return next();
    }
    if (ctx.path.startsWith("/assets/")) {
      return assets(ctx, next);
    }
    // Browsers ask for /favicon.ico on every page whatever the HTML says; a 404 each time fills
    // the console and the logs.
    if (ctx.path === "/favicon.ico") {
      ctx.set("Cache-Control", "public, max-age=86400");
      ctx.type = "image/x-icon";
      ctx.body = icon;
      return;
    }
    const page = pages.find((name) => ctx.path === `/${name}` || ctx.path.startsWith(`/${name}/`));
    if (!page) {
      return next();
    }
    if (ctx.path === `/${page}`) {
      ctx.redirect(`/${page}/`);
      return;
    }
    const index = path.join(distDir, page, "index.html");
    let html: string;
    try {
      html = await fs.promises.readFile(index, "utf8");
    } catch {
      ctx.status = 503;
      ctx.type = "text/plain; charset=utf-8";
      ctx.body = "前端尚未构建：请运行 node scripts/build-frontend.mjs（npm start 会自动构建）";
      return;
    }
    ctx.set("Cache-Control", "no-cache");
    ctx.type = "html";
    ctx.body = html;
  };
}

/**
 * The site's icon, drawn once: a 16×16 ICO (one 32-bit bitmap) of a WeCom-green disc with a white
 * ring, so no binary file has to live in the repository or the build.
 *
 * @returns the .ico bytes.
 */
export function favicon(): Buffer {
  const size = 16;
  const pixels = Buffer.alloc(size * size * 4);
  const mask = Buffer.alloc(size * 4);
  for (let row = 0; row < size; row += 1) {
    for (let col = 0; col < size; col += 1) {
      const distance = Math.hypot(col + 0.5 - size / 2, row + 0.5 - size / 2);
      const ring = distance > 3.2 && distance < 4.6;
      const [b, g, r, a] = distance > 7.6 ? [0, 0, 0, 0] : ring ? [255, 255, 255, 255] : [0x60, 0xc1, 0x07, 255];
      // Bitmaps run bottom-up.
      pixels.set([b, g, r, a], ((size - 1 - row) * size + col) * 4);
    }
  }
  const header = Buffer.alloc(6 + 16 + 40);
  header.writeUInt16LE(1, 2); // type: icon
  header.writeUInt16LE(1, 4); // one image
  header.writeUInt8(size, 6);
  header.writeUInt8(size, 7);
  header.writeUInt16LE(1, 10); // planes
  header.writeUInt16LE(32, 12); // bits per pixel
  header.writeUInt32LE(40 + pixels.length + mask.length, 14);
  header.writeUInt32LE(22, 18); // where the image starts
  header.writeUInt32LE(40, 22); // BITMAPINFOHEADER
  header.writeInt32LE(size, 26);
  header.writeInt32LE(size * 2, 30); // colour rows and the AND mask's
  header.writeUInt16LE(1, 34);
  header.writeUInt16LE(32, 36);
  header.writeUInt32LE(pixels.length + mask.length, 42);
  return Buffer.concat([header, pixels, mask]);
}
