import pino from "pino";
import { startEmbeddedMongo } from "./server/db/embeddedMongo.ts";
const logger = pino({ level: "info" });
const backend = (process.argv[2] ?? "memory") as "memory" | "h2";
const t = Date.now();
const m = await startEmbeddedMongo({ backend, dataDir: process.argv[3] ?? "/tmp/probe-data", logger, dbName: "probe" });
console.log("started in", Date.now() - t, "ms", m.uri, m.engine);
if (process.argv[4] === "hang") { setInterval(() => undefined, 1000); } else { const s = Date.now(); await m.stop(); console.log("stopped in", Date.now() - s, "ms"); }
