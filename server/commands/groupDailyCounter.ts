import { chinaDate } from "../domain/chinaTime.ts";
import { Group } from "../models/Group.ts";
import { GroupDailyCount } from "../models/GroupDailyCount.ts";
import type { ExternalChatEvent } from "../wecom/callbackEvent.ts";

interface Props {
  event: ExternalChatEvent;
}

// external_userid of WeChat customers starts with "wm", of other corps' WeCom users with "wo".
const EXTERNAL_ID = /^w[mo][A-Za-z0-9_-]{8,}$/;

// MongoDB's duplicate-key error: the conditional upsert found the day's document already holding
// this change's key, i.e. the change was counted before.
const isDuplicateKey = (error: unknown) => typeof error === "object" && error !== null && (error as { code?: unknown }).code === 11000;

/**
 * Count a group event's customer joins or leaves on the group's China day. Runs after
 * groupUpdater, so the stored group says which of the changed ids are customers. Counted once per
 * change: the change's key (its member-list version, or its time and ids where WeCom sent none)
 * is added in the same atomic update as the increment.
 *
 * @param props the change_external_chat event.
 * @returns the number of customers counted now (0 for a repeat or a change that is not a join or leave).
 */
export default async function groupDailyCounter({ event }: Props): Promise<number> {
  const field = event.UpdateDetail === "add_member" ? "joins" : event.UpdateDetail === "del_member" ? "leaves" : null;
  if (event.ChangeType !== "update" || !field || event.MemChangeList.length === 0) {
    return 0;
  }
  const group = await Group.findOne({ chatId: event.ChatId }, { members: 1 }).lean();
  const types = new Map((group?.members ?? []).map((member) => [member.id, member.type]));
  // The stored group says who is a customer; an id it does not hold is judged by its shape.
  const customers = event.MemChangeList.filter((id) => (types.get(id) ?? (EXTERNAL_ID.test(id) ? "customer" : "employee")) === "customer");
  if (customers.length === 0) {
    return 0;
  }
  const at = new Date(event.CreateTime * 1000);
  const day = chinaDate(at);
  const changeKey = `${field}:${event.CurMemVer ?? `${event.CreateTime}:${[...event.MemChangeList].sort().join(",")}`}`;
  try {
    const result = await GroupDailyCount.updateOne(
      { _id: `${event.ChatId}:${day}`, applied: { $ne: changeKey } },
      { $inc: { [field]: customers.length }, $push: { applied: changeKey }, $setOnInsert: { chatId: event.ChatId, day } },
      { upsert: true },
    );
    return result.modifiedCount + result.upsertedCount > 0 ? customers.length : 0;
  } catch (error) {
    if (isDuplicateKey(error)) {
      return 0;
    }
    throw error;
  }
}
