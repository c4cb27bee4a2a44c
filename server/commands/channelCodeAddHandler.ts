import type { Types } from "mongoose";
import { isDuplicateKeyError } from "../db/duplicates.ts";
import { chinaDate } from "../domain/chinaTime.ts";
import { ChannelCode, type ChannelCodeAttrs } from "../models/ChannelCode.ts";
import { ChannelCodeDay, channelCodeDayId } from "../models/ChannelCodeDay.ts";
import { Follow } from "../models/Follow.ts";
import type { WeComClient } from "../wecom/client.ts";
import { countCodeAdd } from "./channelCodeStatCounter.ts";
import channelCodeSwitcher from "./channelCodeSwitcher.ts";
import followTagger from "./followTagger.ts";
import welcomeMessageSender from "./welcomeMessageSender.ts";

type StoredCode = ChannelCodeAttrs & { _id: Types.ObjectId };

interface Props {
  wecom: WeComClient;
  /** The add as WeCom sent it. */
  event: { ChangeType: string; UserID: string; ExternalUserID: string; State?: string | undefined; WelcomeCode?: string | undefined };
  /** The customer's name as just synced, for the welcome's {客户昵称}. */
  customerName: string | null;
  /** The event's dedupe key: an add is counted once per key. */
  dedupeKey: string;
  /** WeCom's CreateTime, unix seconds. */
  createTime: number;
  now: () => Date;
}

/**
 * Count an add toward its guide's daily cap, once per event: the key goes into the day's counter
 * in the same update that moves the count, and an upsert that meets the key already there fails
 * on the unique _id instead of counting again.
 *
 * @param codeId the code.
 * @param userId the guide.
 * @param day the China date of the add.
 * @param key the event's dedupe key.
 * @returns the adds that day after this one, or null when this add was already counted.
 */
async function countAdd(codeId: string, userId: string, day: string, key: string): Promise<number | null> {
  try {
    const counter = await ChannelCodeDay.findOneAndUpdate(
      { _id: channelCodeDayId(codeId, day, userId), keys: { $ne: key } },
      { $inc: { adds: 1 }, $push: { keys: key }, $setOnInsert: { codeId, day, userId } },
      // Not the keys: a busy code's day holds one per add.
      { upsert: true, returnDocument: "after", lean: true, projection: { adds: 1 } },
    );
    return counter?.adds ?? null;
  } catch (error) {
    if (isDuplicateKeyError(error)) {
      return null;
    }
    throw error;
  }
}

/**
 * What an add through a channel code sets off, in the order that matters: the welcome first (it
 * has 20 s), then the add counted toward the guide's cap (the guide leaves the code at the cap),
 * then the code's tags on the follow. Safe to run again for the same event.
 * The add is counted toward the code's statistics too (channelCodeStatCounter).
 *
 * @param props the client, the add, its key and the clock.
 * @returns nothing; adds through no code are left alone.
 */
export default async function channelCodeAddHandler({ wecom, event, customerName, dedupeKey, createTime, now }: Props): Promise<void> {
  if (!event.State) {
    return;
  }
  // state is the code's unique key: one indexed read.
  const code = (await ChannelCode.findOne({ state: event.State }).lean()) as StoredCode | null;
  if (!code) {
    return;
  }
  const codeId = String(code._id);
  const eventAt = new Date(createTime * 1000);
  if (event.WelcomeCode) {
    await welcomeMessageSender({ wecom, code, welcomeCode: event.WelcomeCode, userId: event.UserID, externalUserId: event.ExternalUserID, customerName, eventAt, now: now() });
  }
  if (event.ChangeType === "add_external_contact") {
    const adds = await countAdd(codeId, event.UserID, chinaDate(eventAt), dedupeKey);
    await countCodeAdd({ codeId, userId: event.UserID, externalUserId: event.ExternalUserID, dedupeKey, at: eventAt });
    if (adds !== null && code.dailyCap !== null && code.dailyCap !== undefined && adds >= code.dailyCap && code.applied?.userIds.includes(event.UserID)) {
      await channelCodeSwitcher({ wecom, codeId, now: now() });
    }
  }
  if (code.tagIds.length > 0) {
    const follow = await Follow.findOne({ externalUserId: event.ExternalUserID, userId: event.UserID }, { tagIds: 1, status: 1 }).lean();
    const missing = code.tagIds.filter((tagId) => !(follow?.tagIds ?? []).includes(tagId));
    if (follow?.status === "active" && missing.length > 0) {
      await followTagger({ wecom, userId: event.UserID, externalUserId: event.ExternalUserID, add: missing, remove: [] });
    }
  }
}
