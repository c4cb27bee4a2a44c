import { isDuplicateKeyError } from "../db/duplicates.ts";
import { chinaDate, chinaDayNumber } from "../domain/chinaTime.ts";
import { FunnelMember, FunnelStat, funnelStatId } from "../models/FunnelStat.ts";
import { Group } from "../models/Group.ts";
import keyedCounter from "./keyedCounter.ts";

// external_userid of WeChat customers starts with "wm", of other corps' WeCom users with "wo".
const EXTERNAL_ID = /^w[mo][A-Za-z0-9_-]{8,}$/;

const COUNTERS = ["joins", "leaves", "lost7"] as const;

interface Change {
  funnelId: string;
  chatId: string;
  memberIds: string[];
  /** The change's member-list version (or its time where WeCom sent none): one count per member and version. */
  version: string;
  at: Date;
}

/**
 * Count scan joins of a funnel group on their China day, once per member and version, and
 * remember each as the member's latest join (the cohort their leave ends). Safe to run again.
 *
 * @param change the funnel, the group, who joined, the version and when.
 * @returns how many joins were counted now.
 */
export async function countFunnelJoins({ funnelId, chatId, memberIds, version, at }: Change): Promise<number> {
  const day = chinaDate(at);
  let counted = 0;
  for (const memberId of memberIds) {
    try {
      await FunnelMember.updateOne({ _id: `${chatId}:${memberId}`, joinedAt: { $lt: at } }, { $set: { funnelId, chatId, day, joinedAt: at } }, { upsert: true });
    } catch (error) {
      if (!isDuplicateKeyError(error)) {
        throw error;
      }
    }
    if (await keyedCounter(FunnelStat.collection, funnelStatId(funnelId, day, chatId), `join:${memberId}:${version}`, { joins: 1 }, { funnelId, day, chatId }, COUNTERS)) {
      counted += 1;
    }
  }
  return counted;
}

/**
 * Count customers leaving a funnel group on their China day, and, for those who had joined it by
 * scanning, the loss on their join day's cohort when they stayed less than 7 China days (keyed by
 * the join, so one leave per join however often the event comes). Runs after groupUpdater, so
 * the stored group says which ids are customers.
 *
 * @param change the funnel, the group, who left, the version and when.
 * @returns how many leaves were counted now.
 */
export async function countFunnelLeaves({ funnelId, chatId, memberIds, version, at }: Change): Promise<number> {
  const group = await Group.findOne({ chatId }, { members: 1 }).lean();
  const types = new Map((group?.members ?? []).map((member) => [member.id, member.type]));
  const customers = memberIds.filter((id) => (types.get(id) ?? (EXTERNAL_ID.test(id) ? "customer" : "employee")) === "customer");
  const day = chinaDate(at);
  let counted = 0;
  for (const memberId of customers) {
    if (await keyedCounter(FunnelStat.collection, funnelStatId(funnelId, day, chatId), `leave:${memberId}:${version}`, { leaves: 1 }, { funnelId, day, chatId }, COUNTERS)) {
      counted += 1;
    }
    const joined = await FunnelMember.findById(`${chatId}:${memberId}`).lean();
    if (!joined || joined.joinedAt.getTime() > at.getTime() || chinaDayNumber(at) - chinaDayNumber(joined.joinedAt) >= 7) {
      continue;
    }
    await keyedCounter(FunnelStat.collection, funnelStatId(joined.funnelId, joined.day, chatId), `lost:${memberId}:${joined.joinedAt.getTime()}`, { lost7: 1 }, { funnelId: joined.funnelId, day: joined.day, chatId }, COUNTERS);
  }
  return counted;
}
