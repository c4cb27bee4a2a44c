import { Event } from "../models/Event.ts";
import { dedupeKeyOf, orderKeyOf, type CallbackEvent } from "../wecom/callbackEvent.ts";

interface Props {
  /** The validated event. */
  event: CallbackEvent;
  /** The decrypted message as received. */
  raw: string;
  /** Where it came from. */
  source?: "wecom_callback" | "wechaty";
  /** Receive time (injected clock). */
  now: Date;
}

const DUPLICATE_KEY = 11000;

/**
 * Store an event durably before anyone answers WeCom. A retried delivery maps to the same
 * dedupe key; the unique index turns it into a no-op instead of a second event.
 *
 * @param props the event, its raw text and the receive time.
 * @returns whether this call stored it (false: it was already stored).
 */
export default async function eventRecorder({ event, raw, source = "wecom_callback", now }: Props): Promise<{
  stored: boolean;
  dedupeKey: string;
}> {
  const dedupeKey = dedupeKeyOf(event);
  const payload = event.payload;
  try {
    await Event.collection.insertOne({
      dedupeKey,
      type: event.type,
      changeType: payload.ChangeType ?? null,
      orderKey: orderKeyOf(event),
      createTime: payload.CreateTime,
      source,
      payload,
      raw,
      status: "pending",
      attempts: 0,
      nextAttemptAt: now,
      leaseOwner: null,
      leaseUntil: null,
      lastError: null,
      receivedAt: now,
      processedAt: null,
    });
    return { stored: true, dedupeKey };
  } catch (error) {
    if ((error as { code?: number }).code === DUPLICATE_KEY) {
      return { stored: false, dedupeKey };
    }
    throw error;
  }
}
