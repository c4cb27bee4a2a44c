import { ownEventDocument, recordEventDocument } from "../commands/eventRecorder.ts";
import { botDedupeKey, botLaneKey, type BotEvent } from "./botEventSchema.ts";

/**
 * Store one bot event in the events collection under its dedupe key and queue it on its room's
 * lane through the callback path's own writer: the processor then handles it once, and a second
 * delivery of the same event is not stored again.
 *
 * @param event the parsed bot event.
 * @param now receive time.
 * @returns whether this call stored it, and its key.
 */
export async function recordBotEvent(event: BotEvent, now: Date): Promise<{ stored: boolean; dedupeKey: string }> {
  const dedupeKey = botDedupeKey(event);
  const orderKey = botLaneKey(event);
  const doc = ownEventDocument({ dedupeKey, type: event.type, orderKey, createTime: event.payload.date, source: "wechaty", payload: event.payload }, now);
  return recordEventDocument(doc);
}
