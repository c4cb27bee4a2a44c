import { BotStatus, type BotState } from "../models/BotStatus.ts";

/** A change to the bot's status; unnamed fields keep their value. */
export interface StatusChange {
  state?: BotState;
  puppet?: string | null;
  userName?: string | null;
  logoutReason?: string | null;
  lastError?: string | null;
  qrcode?: string | null;
}

/**
 * Record a change of the bot's status (one document, by _id).
 *
 * @param change the fields that change.
 * @param now the clock; `since` moves only when the state does.
 */
export async function updateBotStatus(change: StatusChange, now: Date): Promise<void> {
  const set: Record<string, unknown> = { ...change };
  if (change.state) {
    set.since = now;
  }
  if (change.lastError !== undefined) {
    set.lastErrorAt = change.lastError === null ? null : now;
  }
  await BotStatus.updateOne({ _id: "bot" }, { $set: set, $setOnInsert: change.state ? {} : { state: "starting", since: now } }, { upsert: true });
}

/**
 * @returns the bot's status document, or null when no bot ever ran against this database.
 */
export async function readBotStatus() {
  return BotStatus.findById("bot").lean();
}
