import { BotContact } from "../models/BotContact.ts";
import { BotRoom } from "../models/BotRoom.ts";
import { Customer } from "../models/Customer.ts";
import { Follow } from "../models/Follow.ts";
import { Group } from "../models/Group.ts";
import { roomKeyOf } from "./botEventSchema.ts";

/** A room as the handlers need it. */
export interface KnownRoom {
  key: string;
  roomId: string;
  topic: string;
  chatId: string | null;
}

/**
 * Remember a room and link it to the customer group of the same name. Read by _id; the topic
 * lookup runs only when the room is new or renamed.
 *
 * @param props the puppet, its room id, the topic the event carried, and the clock.
 * @returns the room with its linked chat id.
 */
export async function rememberRoom(props: { puppet: string; roomId: string; topic: string; now: Date }): Promise<KnownRoom> {
  const key = roomKeyOf(props.puppet, props.roomId);
  const existing = await BotRoom.findById(key, { topic: 1, chatId: 1 }).lean();
  if (existing && existing.topic === props.topic) {
    await BotRoom.updateOne({ _id: key }, { $set: { seenAt: props.now } });
    return { key, roomId: props.roomId, topic: props.topic, chatId: existing.chatId ?? null };
  }
  const chatId = await groupByTopic(props.topic);
  await BotRoom.updateOne(
    { _id: key },
    { $set: { topic: props.topic, chatId, seenAt: props.now }, $setOnInsert: { puppet: props.puppet, roomId: props.roomId, ruleRepliedAt: {}, windowStart: new Date(0), windowCount: 0 } },
    { upsert: true },
  );
  return { key, roomId: props.roomId, topic: props.topic, chatId };
}

// Only an unambiguous name links: two groups called "VIP 群" would otherwise share one room's rules.
async function groupByTopic(topic: string): Promise<string | null> {
  if (topic.trim() === "") {
    return null;
  }
  const groups = await Group.find({ name: topic, status: "active" }, { chatId: 1 }).limit(2).lean();
  return groups.length === 1 ? (groups[0]?.chatId ?? null) : null;
}

/**
 * Remember a person seen in a room and, when the name (or room alias) is new, link them to a
 * customer: a follow whose remark is that name, else a customer of that name, only when exactly
 * one customer matches. Names are not identities; docs/bot.md says what this can get wrong.
 *
 * @param props the puppet, the person, and the clock.
 * @returns the linked customer's external_userid, or null.
 */
export async function rememberContact(props: { puppet: string; id: string; name: string; roomAlias?: string; now: Date }): Promise<string | null> {
  const key = `${props.puppet}:${props.id}`;
  const names = [props.roomAlias ?? "", props.name].map((value) => value.trim()).filter((value) => value !== "");
  const decidedOn = names.join("|");
  const existing = await BotContact.findById(key, { externalUserId: 1, linkedName: 1 }).lean();
  if (existing && existing.linkedName === decidedOn) {
    await BotContact.updateOne({ _id: key }, { $set: { seenAt: props.now } });
    return existing.externalUserId ?? null;
  }
  const link = await customerByName(names);
  await BotContact.updateOne(
    { _id: key },
    {
      $set: { name: props.name, roomAlias: props.roomAlias ?? "", externalUserId: link?.externalUserId ?? null, linkedBy: link?.by ?? null, linkedName: decidedOn, seenAt: props.now },
      $setOnInsert: { puppet: props.puppet, contactId: props.id },
    },
    { upsert: true },
  );
  return link?.externalUserId ?? null;
}

async function customerByName(names: string[]): Promise<{ externalUserId: string; by: "follow_remark" | "customer_name" } | null> {
  for (const name of names) {
    const follows = await Follow.find({ remark: name, status: "active" }, { externalUserId: 1 }).limit(10).lean();
    const fromRemark = new Set(follows.map((follow) => follow.externalUserId));
    if (fromRemark.size === 1) {
      return { externalUserId: [...fromRemark][0] as string, by: "follow_remark" };
    }
    if (fromRemark.size > 1) {
      return null;
    }
  }
  for (const name of names) {
    const customers = await Customer.find({ name }, { externalUserId: 1 }).limit(2).lean();
    if (customers.length === 1) {
      return { externalUserId: customers[0]?.externalUserId as string, by: "customer_name" };
    }
    if (customers.length > 1) {
      return null;
    }
  }
  return null;
}
