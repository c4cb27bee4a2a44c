import { pickKeywordRule } from "../domain/botRules.ts";
import { BotRule, type StoredBotRule } from "../models/BotRule.ts";
import { Funnel } from "../models/Funnel.ts";
import type { EventHandler, HandlerContext } from "../workers/eventHandlers.ts";
import { rememberContact, rememberRoom, type KnownRoom } from "./botDirectory.ts";
import { botDedupeKey, readStoredBotEvent, type BotRoomJoin, type BotRoomMessage } from "./botEventSchema.ts";
import { sayReply } from "./botReplier.ts";
import botTagger from "./botTagger.ts";

/**
 * The handler of a stored bot event (registered beside WeCom's in server/workers/eventHandlers.ts):
 * it reads the payload again through the bot's schema, then welcomes or answers.
 *
 * @param type the stored event's type.
 * @returns the handler, or null when the type is not the bot's.
 */
export function botHandlerFor(type: string): EventHandler | null {
  if (type !== "bot_room_join" && type !== "bot_room_message") {
    return null;
  }
  return async (event, context) => {
    const stored = readStoredBotEvent(type, event.payload);
    if (stored?.type === "bot_room_join") {
      await welcome(stored.payload, context);
    } else if (stored?.type === "bot_room_message") {
      await answer(stored.payload, context);
    }
  };
}

async function welcome(payload: BotRoomJoin, context: HandlerContext): Promise<void> {
  const now = context.now();
  const room = await rememberRoom({ puppet: payload.puppet, roomId: payload.roomId, topic: payload.topic, now });
  for (const invitee of payload.invitees) {
    await rememberContact({ puppet: payload.puppet, id: invitee.id, name: invitee.name, now });
  }
  // One welcome per join, from the most specific rule: a group's own before its funnel's before everyone's.
  const [rule] = await rulesFor("join", room);
  if (!rule) {
    return;
  }
  const to = { ids: payload.invitees.map((invitee) => invitee.id), names: payload.invitees.map((invitee) => invitee.name) };
  await sayReply({ eventKey: botDedupeKey({ type: "bot_room_join", payload }), rule, room, to, now });
}

async function answer(payload: BotRoomMessage, context: HandlerContext): Promise<void> {
  const now = context.now();
  const room = await rememberRoom({ puppet: payload.puppet, roomId: payload.roomId, topic: payload.topic, now });
  const { talker } = payload;
  const externalUserId = await rememberContact({ puppet: payload.puppet, id: talker.id, name: talker.name, roomAlias: talker.roomAlias, now });
  const rule = pickKeywordRule(await rulesFor("keyword", room), payload.text);
  if (!rule) {
    return;
  }
  const to = { ids: [talker.id], names: [talker.roomAlias || talker.name] };
  await sayReply({ eventKey: botDedupeKey({ type: "bot_room_message", payload }), rule, room, to, now });
  // Tags follow what the customer said, whether or not the rate limit let the reply out. A
  // WeCom failure here throws, and the event's retry tags again (the reply is claimed, so it stays silent).
  if (externalUserId && rule.tagIds.length > 0) {
    await botTagger({ wecom: context.wecom, ruleId: rule._id, keyword: rule.keyword, externalUserId, tagIds: rule.tagIds, now });
  }
}

const SCOPE_ORDER = { groups: 0, funnel: 1, all: 2 } as const;

/**
 * The enabled rules of a trigger that cover a room, most specific first. A room that matches no
 * customer group gets only the rules for every group.
 *
 * @param trigger keyword or join.
 * @param room the room, with its linked chat id.
 * @returns the rules.
 */
async function rulesFor(trigger: "keyword" | "join", room: KnownRoom): Promise<StoredBotRule[]> {
  const rules = await BotRule.find({ enabled: true, trigger }).sort({ createdAt: 1 }).limit(500).lean<StoredBotRule[]>();
  const covering: StoredBotRule[] = [];
  for (const rule of rules) {
    if (rule.scope === "all") {
      covering.push(rule);
    } else if (room.chatId && rule.scope === "groups" && rule.chatIds.includes(room.chatId)) {
      covering.push(rule);
    } else if (room.chatId && rule.scope === "funnel" && rule.funnelId && (await funnelHolds(String(rule.funnelId), room.chatId))) {
      covering.push(rule);
    }
  }
  return covering.sort((a, b) => SCOPE_ORDER[a.scope] - SCOPE_ORDER[b.scope]);
}

async function funnelHolds(funnelId: string, chatId: string): Promise<boolean> {
  const funnel = await Funnel.findById(funnelId, { groups: 1 }).lean();
  return funnel?.groups.some((group) => group.key === chatId || group.chatId === chatId) ?? false;
}
