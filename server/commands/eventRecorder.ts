import { ObjectId, type AnyBulkWriteOperation, type Document } from "mongodb";
import { Event } from "../models/Event.ts";
import { EventLane } from "../models/EventLane.ts";
import { dedupeKeyOf, orderKeyOf, type CallbackEvent } from "../wecom/callbackEvent.ts";
import { insertNew } from "../db/duplicates.ts";

/** One event to store. */
export interface RecordInput {
  event: CallbackEvent;
  /** The decrypted message as received. */
  raw: string;
  source?: "wecom_callback" | "wechaty";
  /** Receive time (injected clock). */
  now: Date;
}

export interface RecordResult {
  /** False when the event was already stored (a retried delivery). */
  stored: boolean;
  dedupeKey: string;
}

interface Pending {
  doc: Document & { _id: ObjectId; dedupeKey: string; orderKey: string; createTime: number };
  resolve: (result: RecordResult) => void;
  reject: (error: unknown) => void;
}
const MAX_IN_FLIGHT = 4;
const UNFINISHED = new Set(["pending", "processing"]);

/**
 * Stores events durably before anyone answers WeCom, and queues them on their lane.
 *
 * Deliveries that arrive together are written together (group commit): one insertMany for the
 * events and one bulk write for their lanes, so a burst costs a few round trips instead of two
 * per delivery. A caller's promise resolves only after both writes, so an acknowledged event is
 * always stored and queued. A retried delivery hits the unique dedupe key; its lane entry is
 * re-added (idempotently) in case the first attempt died between the two writes.
 */
export class EventRecorder {
  private queue: Pending[] = [];
  private inFlight = 0;
  private scheduled = false;

  /**
   * @param options maxBatch caps one write; onStored is told after new events are queued.
   */
  constructor(private readonly options: { maxBatch?: number; onStored?: () => void } = {}) {}

  /**
   * Store one event.
   *
   * @param input the event, its raw text and the receive time.
   * @returns whether this call stored it, and its dedupe key.
   */
  record(input: RecordInput): Promise<RecordResult> {
    const doc = eventDocument(input);
    return new Promise((resolve, reject) => {
      this.queue.push({ doc, resolve, reject });
      this.schedule();
    });
  }

  // Up to two writes in flight; whatever arrives meanwhile forms the next batch, so batches
  // grow with load and an idle server adds no delay (the write starts on the next tick).
  private schedule(): void {
    if (this.inFlight >= MAX_IN_FLIGHT || this.queue.length === 0 || this.scheduled) {
      return;
    }
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const batch = this.queue.splice(0, this.options.maxBatch ?? 500);
      if (batch.length === 0) {
        return;
      }
      this.inFlight += 1;
      writeBatch(batch)
        .then((storedCount) => {
          if (storedCount > 0) {
            this.options.onStored?.();
          }
        })
        .catch((error: unknown) => {
          for (const item of batch) {
            item.reject(error);
          }
        })
        .finally(() => {
          this.inFlight -= 1;
          this.schedule();
        });
      this.schedule();
    });
  }
}

/** What the recorder stores for one event. */
export type EventDocument = Pending["doc"];

/**
 * The events document of one delivery, exactly as the recorder inserts it. Exported so that
 * bench:callbacks can time the database's own ceiling on the same documents.
 *
 * @param input the event, its raw text and the receive time.
 * @returns the document, with a fresh _id.
 */
export function eventDocument(input: RecordInput): EventDocument {
  const { event, now } = input;
  const payload = event.payload;
  const ignored = event.type === "ignored";
  return {
    _id: new ObjectId(),
    dedupeKey: dedupeKeyOf(event),
    type: ignored ? event.storedType : event.type,
    changeType: payload.ChangeType ?? null,
    orderKey: orderKeyOf(event),
    // A message that does not parse may have no CreateTime; it is never ordered on a lane.
    createTime: payload.CreateTime ?? Math.floor(now.getTime() / 1000),
    source: input.source ?? "wecom_callback",
    payload,
    raw: input.raw,
    // Settled on arrival: no handler will ever run for it, so it goes on no lane.
    status: ignored ? "ignored" : "pending",
    ignoredReason: ignored ? event.reason : null,
    attempts: 0,
    nextAttemptAt: now,
    lastError: null,
    receivedAt: now,
    processedAt: ignored ? now : null,
  };
}

async function writeBatch(batch: Pending[]): Promise<number> {
  const duplicates = await insertNew(Event.collection, batch.map((item) => item.doc));
  // A burst of retries (WeCom resending after an outage) can fill a batch: look the stored
  // copies up together, not one round trip after another, so the batch's new events are not
  // held behind them. Each lookup stays by the bare unique key, the only kind the embedded
  // database answers from an index.
  const entries = await Promise.all(
    batch.map(async (item, index): Promise<{ id: ObjectId; t: number } | null> => {
      if (item.doc.status === "ignored") {
        return null;
      }
      if (!duplicates.has(index)) {
        return { id: item.doc._id, t: item.doc.createTime };
      }
      const existing = await Event.collection.findOne(
        { dedupeKey: item.doc.dedupeKey },
        { projection: { _id: 1, createTime: 1, status: 1 } },
      );
      return existing && UNFINISHED.has(existing.status) ? { id: existing._id, t: existing.createTime } : null;
    }),
  );
  const lanes = new Map<string, { id: ObjectId; t: number }[]>();
  const results: RecordResult[] = [];
  for (const [index, item] of batch.entries()) {
    const entry = entries[index];
    if (entry) {
      lanes.set(item.doc.orderKey, [...(lanes.get(item.doc.orderKey) ?? []), entry]);
    }
    results.push({ stored: !duplicates.has(index), dedupeKey: item.doc.dedupeKey });
  }
  if (lanes.size > 0) {
    const now = batch[0]?.doc.receivedAt as Date;
    const operations: AnyBulkWriteOperation[] = [...lanes].map(([orderKey, entries]) => ({
      updateOne: {
        filter: { _id: orderKey as unknown as ObjectId },
        update: {
          $addToSet: { pending: { $each: entries } },
          $setOnInsert: { due: now, leaseOwner: null, leaseUntil: null },
        },
        upsert: true,
      },
    }));
    await EventLane.collection.bulkWrite(operations, { ordered: false });
  }
  for (const [index, item] of batch.entries()) {
    item.resolve(results[index] as RecordResult);
  }
  return results.filter((result) => result.stored).length;
}
