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
