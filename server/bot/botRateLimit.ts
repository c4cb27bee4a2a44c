import { ROOM_SENDS_PER_MINUTE } from "../domain/botRules.ts";
import { BotRoom } from "../models/BotRoom.ts";

const MINUTE_MS = 60_000;

/**
 * Take a send slot in a room for a rule, or refuse: the rule must have been quiet in the room for
 * its cooldown, and the room's one-minute window must hold fewer than ROOM_SENDS_PER_MINUTE sends.
 * Both are conditional updates on the room's _id, so two workers (or processes) can never both
 * take the last slot. A refused reply is dropped, not queued: an answer a minute late to a
 * flooded group is noise.
 *
 * @param props the room key, the rule, its cooldown and the clock.
 * @returns "ok", or which limit refused.
 */
export async function takeSendSlot(props: { roomKey: string; ruleId: string; cooldownSeconds: number; now: Date }): Promise<"ok" | "rule_cooldown" | "room_limit"> {
  const { roomKey, ruleId, now } = props;
  const field = `ruleRepliedAt.${ruleId}`;
  if (props.cooldownSeconds > 0) {
    const quietSince = new Date(now.getTime() - props.cooldownSeconds * 1000);
    const free = await BotRoom.countDocuments({ _id: roomKey, $or: [{ [field]: { $exists: false } }, { [field]: { $lte: quietSince } }] });
    if (free === 0) {
      return "rule_cooldown";
    }
  }
  if (!(await takeRoomSlot(roomKey, now))) {
    return "room_limit";
  }
  // The room slot is ours; the cooldown is taken by the same kind of conditional update, and a
  // rival that took it first makes this send give its place up (the room slot stays used).
  const quietSince = new Date(now.getTime() - props.cooldownSeconds * 1000);
  const taken = await BotRoom.updateOne(
    { _id: roomKey, $or: [{ [field]: { $exists: false } }, { [field]: { $lte: quietSince } }] },
    { $set: { [field]: now } },
  );
  return taken.modifiedCount === 1 || props.cooldownSeconds === 0 ? "ok" : "rule_cooldown";
}

async function takeRoomSlot(roomKey: string, now: Date): Promise<boolean> {
  const windowOpen = new Date(now.getTime() - MINUTE_MS);
  // Inside the current window: one more, if there is room.
  const counted = await BotRoom.updateOne(
    { _id: roomKey, windowStart: { $gt: windowOpen }, windowCount: { $lt: ROOM_SENDS_PER_MINUTE } },
    { $inc: { windowCount: 1 } },
  );
  if (counted.modifiedCount === 1) {
    return true;
  }
  // The window has passed: open a new one with this send in it.
  const opened = await BotRoom.updateOne({ _id: roomKey, windowStart: { $lte: windowOpen } }, { $set: { windowStart: now, windowCount: 1 } });
  return opened.modifiedCount === 1;
}
