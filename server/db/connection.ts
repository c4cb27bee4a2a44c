import mongoose from "mongoose";
import { getLogger } from "../logging/logger.ts";
import { startEmbeddedMongo, type EmbeddedMongo } from "./embeddedMongo.ts";

export interface DatabaseHandle {
  uri: string;
  /** "external" when MONGODB_URI was given. */
  engine: "external" | EmbeddedMongo["engine"];
  close(): Promise<void>;
}

interface Options {
  uri?: string;
  backend: "memory" | "h2";
  dataDir: string;
  dbName?: string;
}

/**
 * Connect mongoose to MONGODB_URI, or start the embedded database and connect to it.
 *
 * @param options the URI, or how to run the embedded database.
 * @returns the connection handle; close() also stops an embedded database.
 */
export async function connectDatabase(options: Options): Promise<DatabaseHandle> {
  const log = getLogger("db");
  let embedded: EmbeddedMongo | null = null;
  let uri = options.uri;
  if (!uri) {
    embedded = await startEmbeddedMongo({
      backend: options.backend,
      dataDir: options.dataDir,
      dbName: options.dbName,
      logger: log,
    });
    uri = embedded.uri;
  }
  await mongoose.connect(uri, { serverSelectionTimeoutMS: 10_000, autoIndex: false });
  // The dedupe key's unique index must exist before the first callback is accepted. One model
  // at a time: concurrent first writes to new collections race in mongo-java-server.
  for (const model of Object.values(mongoose.models)) {
    await model.createIndexes();
  }
  log.info(
    { engine: embedded?.engine ?? "external", backend: embedded?.backend, host: new URL(uri).host },
    embedded ? `using embedded database (${embedded.engine}, ${embedded.backend})` : "using MONGODB_URI",
  );
  return {
    uri,
    engine: embedded?.engine ?? "external",
    async close() {
      await mongoose.disconnect();
      await embedded?.stop();
    },
  };
}
