import { isDuplicateKeyError } from "../db/duplicates.ts";
import { renderReply } from "../domain/botRules.ts";
import { getLogger } from "../logging/logger.ts";
import { BotReply } from "../models/BotReply.ts";
import type { StoredBotRule } from "../models/BotRule.ts";
import { Funnel } from "../models/Funnel.ts";
import { drawLink, funnelLink } from "./botLinks.ts";
import { takeSendSlot } from "./botRateLimit.ts";
import { activeBot } from "./botRuntime.ts";
import type { KnownRoom } from "./botDirectory.ts";

// Made per line: a logger taken at import would miss the root logger configured later (boot, tests).
const log = () => getLogger("processor", { component: "bot" });

/** Who a reply answers: puppet contact ids to @-mention and the names for {昵称}. */
export interface Addressees {
  ids: string[];
  names: string[];
}

/**
 * Say a rule's reply in a room, at most once per event: the reply is claimed under
 * `<event key>:<rule>` before anything is sent, so a retried event (a crash after the send)
 * stays silent rather than saying it twice. Then the room's limits, then the send. Nothing here
 * throws for the bot being away or WeChat refusing: the outcome is kept on the claim and logged
 * (room and rule only; never the text or who said it).
 *
 * @param props the event's key, the rule, the room, who it answers and the clock.
 * @returns the claim's final state.
 */
export async function sayReply(props: { eventKey: string; rule: StoredBotRule; room: KnownRoom; to: Addressees; now: Date }): Promise<string> {
  const { rule, room, now } = props;
  const ruleId = String(rule._id);
  const claimId = `${props.eventKey}:${ruleId}`;
  const mentions = rule.mention ? props.to.names : [];
  try {
    await BotReply.create({ _id: claimId, ruleId: rule._id, roomKey: room.key, mentions, state: "claimed", at: now });
  } catch (error) {
    if (isDuplicateKeyError(error)) {
      return "duplicate";
    }
    throw error;
  }
  const settle = async (state: "sent" | "rate_limited" | "failed" | "no_bot", text = "") => {
    await BotReply.updateOne({ _id: claimId }, { $set: { state, text } });
    return state;
  };
  const running = activeBot();
  if (!running?.bot.isLoggedIn) {
    log().warn({ roomKey: room.key, ruleId }, "bot reply dropped: the bot is not logged in in this process");
    return settle("no_bot");
  }
  const link = await linkOf(rule, running.origin);
  if (link === undefined) {
    log().warn({ roomKey: room.key, ruleId }, "bot reply dropped: the rule's funnel no longer exists");
    return settle("failed");
  }
  const text = renderReply(rule.replyText, { link, names: props.to.names });
  const slot = await takeSendSlot({ roomKey: room.key, ruleId, cooldownSeconds: rule.cooldownSeconds, now });
  if (slot !== "ok") {
    log().info({ roomKey: room.key, ruleId, limit: slot }, "bot reply dropped by the rate limit");
    return settle("rate_limited", text);
  }
  try {
    const target = (await running.bot.Room.find({ id: room.roomId })) ?? (room.topic ? await running.bot.Room.find({ topic: room.topic }) : undefined);
    if (!target) {
      log().warn({ roomKey: room.key, ruleId }, "bot reply failed: the room is not in the bot's list");
      return settle("failed", text);
    }
    // By id, else by the name in the room: a web puppet's ids change at every login (the fallback key).
    const contacts = rule.mention
      ? await Promise.all(props.to.ids.map(async (id, index) => (await running.bot.Contact.find({ id })) ?? (props.to.names[index] ? await target.member(props.to.names[index]) : undefined)))
      : [];
    const present = contacts.filter((contact) => contact !== undefined);
    await (present.length > 0 ? target.say(text, ...present) : target.say(text));
    return settle("sent", text);
  } catch (error) {
    log().error({ err: error, roomKey: room.key, ruleId }, "bot reply failed");
    return settle("failed", text);
  }
}

// undefined: the link the rule names is gone; null: the rule has no link.
async function linkOf(rule: StoredBotRule, origin: string): Promise<string | null | undefined> {
  if (rule.link === "draw" && rule.drawSlug) {
    return drawLink(rule.drawSlug, origin);
  }
  if (rule.link === "funnel" && rule.linkFunnelId) {
    const funnel = await Funnel.findById(rule.linkFunnelId, { slug: 1 }).lean();
    return funnel ? funnelLink(funnel.slug, origin) : undefined;
  }
  return null;
}
