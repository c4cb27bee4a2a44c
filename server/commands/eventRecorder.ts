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
/** An event on its lane: its id and WeCom's CreateTime, the order within the lane. */
interface LaneEntry {
  id: ObjectId;
  t: number;
}
const MAX_IN_FLIGHT = 4;
const UNFINISHED = new Set(["pending", "processing"]);

/**
 * Stores events durably before anyone answers WeCom, and queues them on their lane.
 *
 * Deliveries that arrive together are written together (group commit): one insertMany for the
 * events and one for their lanes (lanes that already exist take an update instead), so a burst
 * costs a few round trips instead of two per delivery. A caller's promise resolves only after both writes, so an acknowledged event is
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
    return this.recordDocument(eventDocument(input));
  }

  /**
   * Store one event document built elsewhere (the group bot's, an add's follow-up) in the same batches.
   *
   * @param doc the event document (dedupeKey, orderKey, createTime, status "pending").
   * @returns whether this call stored it, and its dedupe key.
   */
  recordDocument(doc: EventDocument): Promise<RecordResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ doc, resolve, reject });
      this.schedule();
    });
  }

  // Up to MAX_IN_FLIGHT writes at once; whatever arrives meanwhile forms the next batch, so batches
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

/**
 * The events document of an event that did not come through WeCom's callback, pending on its lane.
 *
 * @param event its key, type, lane, order, source and payload.
 * @param now when it is stored.
 * @returns the document, with a fresh _id.
 */
export function ownEventDocument(
  event: { dedupeKey: string; type: string; orderKey: string; createTime: number; source: "wechaty" | "internal"; payload: unknown },
  now: Date,
): EventDocument {
  return { _id: new ObjectId(), ...event, changeType: null, status: "pending", ignoredReason: null, attempts: 0, nextAttemptAt: now, lastError: null, receivedAt: now, processedAt: null };
}

// Events the server makes itself, batched together the same way: a burst of adds queues its
// follow-ups in a few writes, not two round trips each.
const internalRecorder = new EventRecorder();

/**
 * Store one event that did not come through WeCom's callback (the group bot's, an add's follow-up)
 * exactly as a delivery is stored: under its dedupe key, queued on its lane, re-queued if a stored
 * copy is unfinished. One path, so every source gets the same guarantees and the same lane layout.
 *
 * @param doc the event document (dedupeKey, orderKey, createTime, status "pending").
 * @returns whether this call stored it, and its dedupe key.
 */
export function recordEventDocument(doc: EventDocument): Promise<RecordResult> {
  return internalRecorder.recordDocument(doc);
}

async function writeBatch(batch: Pending[]): Promise<number> {
  const duplicates = await insertNew(Event.collection, batch.map((item) => item.doc));
  // A burst of retries (WeCom resending after an outage) can fill a batch: look the stored
  // copies up together, not one round trip after another, so the batch's new events are not
  // held behind them. Each lookup stays by the bare unique key, the only kind the embedded
  // database answers from an index.
  const entries = await Promise.all(
    batch.map(async (item, index): Promise<LaneEntry | null> => {
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
  const lanes = new Map<string, LaneEntry[]>();
  const results: RecordResult[] = [];
  for (const [index, item] of batch.entries()) {
    const entry = entries[index];
    if (entry) {
      const queued = lanes.get(item.doc.orderKey) ?? [];
      // Two retries of one event in a batch name the same stored copy; a lane lists it once.
      if (!queued.some((other) => other.id.equals(entry.id))) {
        lanes.set(item.doc.orderKey, [...queued, entry]);
      }
    }
    results.push({ stored: !duplicates.has(index), dedupeKey: item.doc.dedupeKey });
  }
  if (lanes.size > 0) {
    await queueOnLanes(lanes, batch[0]?.doc.receivedAt as Date);
  }
  for (const [index, item] of batch.entries()) {
    item.resolve(results[index] as RecordResult);
  }
  return results.filter((result) => result.stored).length;
}

/**
 * Put the batch's entries on their lanes. Most entries open their lane (a lane exists only
 * while it has work), so each lane is first inserted whole: on the embedded database that costs
 * one unique-index lookup fewer than an upsert, which looks the lane up by _id before inserting
 * it, and those lookups are most of its time (bench:callbacks --profile). A lane that exists
 * refuses the insert by its _id and takes the entries by the idempotent update instead.
 *
 * @param lanes entries by lane, in arrival order.
 * @param now when a lane created here is first due.
 * @returns when every entry is on its lane.
 */
async function queueOnLanes(lanes: Map<string, LaneEntry[]>, now: Date): Promise<void> {
  const keys = [...lanes.keys()];
  const existing = await insertNew(
    EventLane.collection,
    keys.map((key) => ({ _id: key, pending: lanes.get(key), due: now, leaseOwner: null, leaseUntil: null })),
  );
  if (existing.size === 0) {
    return;
  }
  const operations: AnyBulkWriteOperation[] = [...existing].map((index) => {
    const key = keys[index] as string;
    return {
      updateOne: {
        filter: { _id: key as unknown as ObjectId },
        update: {
          $addToSet: { pending: { $each: lanes.get(key) } },
          // The lane may have been finished and removed since the insert was refused.
          $setOnInsert: { due: now, leaseOwner: null, leaseUntil: null },
        },
        upsert: true,
      },
    };
  });
  await EventLane.collection.bulkWrite(operations, { ordered: false });
}
