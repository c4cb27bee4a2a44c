import { isDuplicateKeyError } from "../db/duplicates.ts";
import { chinaDate, chinaDayNumber } from "../domain/chinaTime.ts";
import { ChannelCodeFollow, ChannelCodeStat, channelCodeStatId } from "../models/ChannelCodeStat.ts";
import { Employee } from "../models/Employee.ts";
import keyedCounter from "./keyedCounter.ts";

const COUNTERS = ["adds", "deletedByCustomer", "deletedByGuide", "lost7", "lost30"] as const;

/** Who ended a follow: the customer (del_follow_user) or the guide (del_external_contact). */
export type FollowEnd = "customer" | "guide";

/**
 * A guide's store as the loss records take it: the main department, else the first.
 *
 * @param userId the guide.
 * @returns the store's department id as a string, or null for a guide we do not know.
 */
async function storeOf(userId: string): Promise<string | null> {
  const guide = await Employee.findOne({ userId }, { mainDepartmentId: 1, departmentIds: 1 }).lean();
  const store = guide?.mainDepartmentId ?? guide?.departmentIds[0] ?? null;
  return store === null ? null : String(store);
}

/**
 * Count an add through a code on its China day, once per event, and remember it as the follow's
 * latest add (which code, day and store a later deletion ends). Safe to run again.
 *
 * @param props the code, the guide, the customer, the event's dedupe key and when WeCom says it happened.
 * @returns true when the add was counted now.
 */
export async function countCodeAdd(props: { codeId: string; userId: string; externalUserId: string; dedupeKey: string; at: Date }): Promise<boolean> {
  const { codeId, userId, externalUserId, at } = props;
  const day = chinaDate(at);
  const storeId = await storeOf(userId);
  // Only a newer add replaces the follow's (a late retry of an older add finds the newer one).
  // Read, then write, both by the bare key: a filter on _id and addedAt is a collection scan on the
  // embedded database, one per add. The customer's lane runs their adds one at a time.
  const _id = `${externalUserId}:${userId}`;
  const latest = await ChannelCodeFollow.findById(_id, { addedAt: 1 }).lean();
  if (!latest || latest.addedAt.getTime() < at.getTime()) {
    try {
      await ChannelCodeFollow.updateOne({ _id }, { $set: { codeId, userId, storeId, day, addedAt: at } }, { upsert: true });
    } catch (error) {
      if (!isDuplicateKeyError(error)) {
        throw error;
      }
    }
  }
  return keyedCounter(ChannelCodeStat.collection, channelCodeStatId(codeId, day, userId), `add:${props.dedupeKey}`, { adds: 1 }, { codeId, day, userId, storeId }, COUNTERS);
}

/**
 * Count the end of a follow that came through a code: on the deletion's day (by who ended it),
 * and on its add day's cohort as lost within 7 and/or 30 China days. The key is the follow's add
 * (customer, guide, add time), so a retried event, a duplicated one, or the guide deleting a
 * customer who had already deleted them counts one end per add; after a re-add the next end is
 * counted against the new add. A follow whose add was not counted through a code is left alone.
 *
 * @param props the customer, the guide, who ended it and when.
 * @returns true when something was counted now.
 */
export async function countCodeFollowEnd(props: { externalUserId: string; userId: string; by: FollowEnd; at: Date }): Promise<boolean> {
  const { externalUserId, userId, at } = props;
  const follow = await ChannelCodeFollow.findById(`${externalUserId}:${userId}`).lean();
  if (!follow || follow.addedAt.getTime() > at.getTime()) {
    return false;
  }
  const key = `${externalUserId}:${userId}:${follow.addedAt.getTime()}`;
  const insert = { codeId: follow.codeId, userId, storeId: follow.storeId ?? null };
  const day = chinaDate(at);
  const field = props.by === "customer" ? "deletedByCustomer" : "deletedByGuide";
  const ended = await keyedCounter(ChannelCodeStat.collection, channelCodeStatId(follow.codeId, day, userId), `end:${key}`, { [field]: 1 }, { ...insert, day }, COUNTERS);
  const days = chinaDayNumber(at) - chinaDayNumber(follow.addedAt);
  if (days >= 30) {
    return ended;
  }
  const lost = await keyedCounter(ChannelCodeStat.collection, channelCodeStatId(follow.codeId, follow.day, userId), `lost:${key}`, days < 7 ? { lost7: 1, lost30: 1 } : { lost30: 1 }, {
    ...insert,
    day: follow.day,
  }, COUNTERS);
  return ended || lost;
}
