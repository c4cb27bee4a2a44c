import type Router from "@koa/router";
import { createRouter } from "./router.ts";
import mongoose from "mongoose";

/**
 * `GET /healthz`: 200 once the database answers a ping, 503 otherwise.
 *
 * @returns the router.
 */
export function healthRouter(): Router {
  const router = createRouter();
  router.get("/healthz", async (ctx) => {
    const db = mongoose.connection.readyState === 1 ? mongoose.connection.db : undefined;
    let reachable = false;
    try {
      reachable = db !== undefined && (await db.command({ ping: 1 }, { timeoutMS: 2000 })).ok === 1;
    } catch {
      reachable = false;
    }
    ctx.status = reachable ? 200 : 503;
    ctx.body = { ok: reachable, database: reachable ? "up" : "down" };
  });
  return router;
}
