// The database's own ceiling for the write a callback must wait for: the events documents the
// EventRecorder stores (built by its own eventDocument from the same messages), inserted by a
// plain MongoDB client into a collection with the indexes the Event model declares, in the
// batch sizes the recorder's group commit produced under the same load, with as many inserts in
// flight as it had. Nothing else is written: no lanes, no processor, no HTTP.
import { MongoClient, type CreateIndexesOptions, type Document, type IndexDirection } from "mongodb";
import { eventDocument } from "../server/commands/eventRecorder.ts";
import { Event } from "../server/models/Event.ts";
import { parseCallbackEvent } from "../server/wecom/callbackEvent.ts";
import { withoutUnusedPersonalData } from "../server/wecom/personalFields.ts";
import { benchMessageXml } from "./callbackMessages.ts";

export interface CeilingOptions {
  uri: string;
  /** A database of its own on the same server, so nothing else touches its collection. */
  dbName: string;
  /** Sizes of the recorder's inserts, replayed in order (and again from the start if used up). */
  batchSizes: number[];
  /** Inserts in flight at once. */
  inFlight: number;
  seconds: number;
  /** Unmeasured seconds first, into another database. */
  warmupSeconds: number;
  /** CPU seconds the database server has used so far, to report its cost per document. */
  databaseCpuSeconds?: () => number;
}

export interface CeilingResult {
  perSecond: number;
  inserted: number;
  inserts: number;
  /** Database server CPU per inserted document; NaN when not measured. */
  cpuMsPerDocument: number;
}

/**
 * The documents of `count` deliveries, as the recorder would store them.
 *
 * @param prefix separates them from every other pool.
 * @param count how many.
 * @returns the documents.
 */
export function buildEventDocuments(prefix: string, count: number): Document[] {
  const docs: Document[] = [];
  for (let index = 0; index < count; index += 1) {
    // The route's own steps between decryption and the recorder (server/routes/wecom/callback.ts).
    const xml = withoutUnusedPersonalData(benchMessageXml(prefix, index));
    docs.push(eventDocument({ event: parseCallbackEvent(xml), raw: xml, now: new Date() }));
  }
  return docs;
}

async function createModelIndexes(client: MongoClient, dbName: string): Promise<string[]> {
  const collection = client.db(dbName).collection(Event.collection.collectionName);
  for (const [fields, options] of Event.schema.indexes()) {
    await collection.createIndex(fields as Record<string, IndexDirection>, options as CreateIndexesOptions);
  }
  return (await collection.indexes()).map((index) => `${index.name}${index.unique || index.name === "_id_" ? " (unique)" : ""}`);
}

async function insertFor(client: MongoClient, dbName: string, docs: Document[], options: CeilingOptions, seconds: number): Promise<CeilingResult> {
  const collection = client.db(dbName).collection(Event.collection.collectionName);
  let next = 0;
  let batch = 0;
  let inserted = 0;
  let inserts = 0;
  const deadline = performance.now() + seconds * 1000;
  const writer = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const size = options.batchSizes[batch % options.batchSizes.length] as number;
      batch += 1;
      if (next + size > docs.length) {
        throw new Error(`the pool of ${docs.length} documents ran out; raise it`);
      }
      const slice = docs.slice(next, next + size);
      next += size;
      await collection.insertMany(slice, { ordered: false });
      inserted += size;
      inserts += 1;
    }
  };
  const cpu = options.databaseCpuSeconds ?? (() => Number.NaN);
  const cpuBefore = cpu();
  const started = performance.now();
  await Promise.all(Array.from({ length: options.inFlight }, writer));
  // Inserts started before the deadline count, and so does the time they took.
  const elapsed = (performance.now() - started) / 1000;
  return { perSecond: inserted / elapsed, inserted, inserts, cpuMsPerDocument: (1000 * (cpu() - cpuBefore)) / inserted };
}

/**
 * Time the database alone on the recorder's write.
 *
 * @param docs documents from {@link buildEventDocuments}, more than the database can take in the time.
 * @param options server, batch sizes, concurrency and durations.
 * @returns inserted documents per second, and the indexes the collection had.
 */
export async function measureDbCeiling(docs: Document[], options: CeilingOptions): Promise<CeilingResult & { indexes: string[] }> {
  if (options.batchSizes.length === 0 || options.batchSizes.some((size) => size < 1)) {
    throw new Error("dbCeiling: no batch sizes to replay");
  }
  const client = await MongoClient.connect(options.uri);
  try {
    const warmupDb = `${options.dbName}_warmup`;
    await createModelIndexes(client, warmupDb);
    await insertFor(client, warmupDb, docs, options, options.warmupSeconds);
    await client.db(warmupDb).dropDatabase();
    const indexes = await createModelIndexes(client, options.dbName);
    const result = await insertFor(client, options.dbName, docs, options, options.seconds);
    return { ...result, indexes };
  } finally {
    await client.close();
  }
}
