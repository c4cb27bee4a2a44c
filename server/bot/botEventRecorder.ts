import { ObjectId } from "mongodb";
import { isDuplicateKeyError } from "../db/duplicates.ts";
import { Event } from "../models/Event.ts";
import { EventLane } from "../models/EventLane.ts";
import { botDedupeKey, botLaneKey, type BotEvent } from "./botEventSchema.ts";

/**
 * Store one bot event in the events collection under its dedupe key and queue it on its room's
 * lane, as the callback path does for WeCom's: the processor then handles it once. A second
 * delivery of the same event is not stored again; it is put back on its lane only while the
 * first is unfinished (the first attempt may have died between the two writes).
 *
 * @param event the parsed bot event.
 * @param now receive time.
 * @returns whether this call stored it, and its key.
 */
export async function recordBotEvent(event: BotEvent, now: Date): Promise<{ stored: boolean; dedupeKey: string }> {
  const dedupeKey = botDedupeKey(event);
  const orderKey = botLaneKey(event);
  const doc = {
    _id: new ObjectId(),
    dedupeKey,
    type: event.type,
    changeType: null,
    orderKey,
    createTime: event.payload.date,
    source: "wechaty",
    payload: event.payload,
    status: "pending",
    ignoredReason: null,
    attempts: 0,
    nextAttemptAt: now,
    lastError: null,
    receivedAt: now,
    processedAt: null,
  };
  let entry = { id: doc._id, t: doc.createTime };
  let stored = true;
  try {
    await Event.collection.insertOne(doc);
  } catch (error) {
    if (!isDuplicateKeyError(error)) {
      throw error;
    }
    stored = false;
    const existing = await Event.collection.findOne({ dedupeKey }, { projection: { _id: 1, createTime: 1, status: 1 } });
    if (!existing || !["pending", "processing"].includes(existing.status as string)) {
      return { stored, dedupeKey };
    }
    entry = { id: existing._id, t: existing.createTime as number };
  }
  await EventLane.collection.updateOne(
    { _id: orderKey as unknown as ObjectId },
    { $addToSet: { pending: entry }, $setOnInsert: { due: now, leaseOwner: null, leaseUntil: null } },
    { upsert: true },
  ).catch((error: unknown) => {
    // Two upserts of a new lane at once: one inserts, the other retries as an update.
    if (!isDuplicateKeyError(error)) {
      throw error;
    }
    return EventLane.collection.updateOne({ _id: orderKey as unknown as ObjectId }, { $addToSet: { pending: entry } });
  });
  return { stored, dedupeKey };
}
