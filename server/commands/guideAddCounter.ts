import { chinaDate } from "../domain/chinaTime.ts";
import { Follow } from "../models/Follow.ts";
import { guidePlaces } from "./campaignCompletion.ts";
import { countCompletion } from "./completionRollup.ts";

/**
 * Count a customer a guide added (新增客户) into the guide's day of the add, once per follow and
 * add time: a replayed event counts nothing, a customer who deleted the guide and added them again
 * counts again. Runs after the customer's sync, so the follow is stored.
 *
 * @param props the customer and the guide of the add event; the follow (status, addedAt) when the caller has read it.
 * @returns true when this call counted the add.
 */
export default async function guideAddCounter(props: { externalUserId: string; userId: string; follow?: { status?: string | null; addedAt?: Date | null } | null }): Promise<boolean> {
  const follow = props.follow !== undefined ? props.follow : await Follow.findOne({ externalUserId: props.externalUserId, userId: props.userId }, { status: 1, addedAt: 1 }).lean();
  if (!follow || follow.status !== "active" || !follow.addedAt) {
    return false;
  }
  const place = (await guidePlaces([props.userId])).get(props.userId) ?? { storeId: null, regionId: null };
  return countCompletion({ userId: props.userId, ...place, day: chinaDate(follow.addedAt), key: `add:${props.externalUserId}:${follow.addedAt.getTime()}`, inc: { adds: 1 } });
}
