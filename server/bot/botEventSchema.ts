import crypto from "node:crypto";
import { z } from "zod";

// Puppet ids are short (wxid_…, @chatroom ids, cuid-like mock ids); anything past this is no id.
const id = z.string().min(1, "is empty").max(128, "is too long");
const name = z.string().max(200).default("");
const unixSeconds = z.number().int().nonnegative();

const person = z.object({ id, name });

/** Someone (or several) joined a room the bot sits in. */
export const BotRoomJoinSchema = z.object({
  puppet: id,
  roomId: id,
  topic: name,
  invitees: z.array(person).min(1).max(500),
  inviterId: id.nullable().default(null),
  date: unixSeconds,
});

/** A text someone (not the bot) said in a room. */
export const BotRoomMessageSchema = z.object({
  puppet: id,
  messageId: id,
  roomId: id,
  topic: name,
  talker: person.extend({ roomAlias: name }),
  /** The text without @mentions of the bot. */
  text: z.string().max(4000),
  date: unixSeconds,
});

export type BotRoomJoin = z.infer<typeof BotRoomJoinSchema>;
export type BotRoomMessage = z.infer<typeof BotRoomMessageSchema>;

/** Stored event types of the bot (events.type), beside WeCom's. */
export const BOT_EVENT_TYPES = ["bot_room_join", "bot_room_message"] as const;
export type BotEventType = (typeof BOT_EVENT_TYPES)[number];

export type BotEvent = { type: "bot_room_join"; payload: BotRoomJoin } | { type: "bot_room_message"; payload: BotRoomMessage };

/**
 * Read a stored bot event's payload again through its schema.
 *
 * @param type the stored type.
 * @param payload the stored payload.
 * @returns the typed event, or null when the type is not the bot's.
 * @throws ZodError when the payload does not fit (a permanent failure of that event).
 */
export function readStoredBotEvent(type: string, payload: unknown): BotEvent | null {
  switch (type) {
    case "bot_room_join":
      return { type, payload: BotRoomJoinSchema.parse(payload) };
    case "bot_room_message":
      return { type, payload: BotRoomMessageSchema.parse(payload) };
    default:
      return null;
  }
}

/**
 * The event's dedupe key: a puppet that delivers a message twice (reconnects replay recent
 * events) lands on the stored one. Messages have the puppet's message id; a join has none, so it
 * is the room, the sorted invitees and the second it happened.
 *
 * @param event the bot event.
 * @returns the key, prefixed `bot:`.
 */
export function botDedupeKey(event: BotEvent): string {
  if (event.type === "bot_room_message") {
    return `bot:msg:${event.payload.puppet}:${event.payload.messageId}`;
  }
  const { puppet, roomId, invitees, date } = event.payload;
  const who = invitees.map((invitee) => invitee.id).sort().join(",");
  const digest = crypto.createHash("sha1").update(`${roomId}|${who}|${date}`).digest("hex");
  return `bot:join:${puppet}:${digest}`;
}

/**
 * The lane: one per room, so a room's joins and messages are answered in order and its rate
 * limit is taken by one worker at a time.
 *
 * @param event the bot event.
 * @returns `botroom:<puppet>:<room id>`.
 */
export function botLaneKey(event: BotEvent): string {
  return `botroom:${roomKeyOf(event.payload.puppet, event.payload.roomId)}`;
}

/**
 * @param puppet the puppet's name.
 * @param roomId the puppet's room id.
 * @returns the key of the room's BotRoom document.
 */
export function roomKeyOf(puppet: string, roomId: string): string {
  return `${puppet}:${roomId}`;
}
