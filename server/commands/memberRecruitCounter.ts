import type { Types } from "mongoose";
import { chinaDate } from "../domain/chinaTime.ts";
import { Follow } from "../models/Follow.ts";
import { Member } from "../models/Member.ts";
import { guidePlaces } from "./campaignCompletion.ts";
import { countCompletion } from "./completionRollup.ts";

// A member linked to a guide this long after joining was not recruited by them (and members from
// before the completion rollups are not credited all at once on their next link).
const RECRUIT_WINDOW_MS = 7 * 86_400_000;

/**
 * Credit a member's recruit (新增会员) to the first guide they are linked to, within a week of
 * joining: the guide whose active follow came first. Claimed on the member in one conditional
 * update, counted into the guide's day of the claim keyed by the member, then marked counted; a
 * run cut off between is finished by the next (the count is keyed, so it never counts twice).
 *
 * @param props the member (after its guides were refreshed) and the clock.
 * @returns true when the member's recruit was counted by this call.
 */
export default async function memberRecruitCounter(props: { memberId: Types.ObjectId; now: Date }): Promise<boolean> {
  const member = await Member.findById(props.memberId, { guideUserIds: 1, externalUserIds: 1, joinedAt: 1, recruitedBy: 1 }).lean();
  if (!member) {
    return false;
  }
  let recruit = member.recruitedBy;
  if (!recruit) {
    if (member.guideUserIds.length === 0 || !member.joinedAt || props.now.getTime() - member.joinedAt.getTime() > RECRUIT_WINDOW_MS) {
      return false;
    }
    const follows = await Follow.find({ externalUserId: { $in: member.externalUserIds }, status: "active" }, { userId: 1, addedAt: 1 }).lean();
    const first = follows.sort((a, b) => (a.addedAt?.getTime() ?? Infinity) - (b.addedAt?.getTime() ?? Infinity))[0];
    if (!first) {
      return false;
    }
    // Recruited when both were true (a member, following the guide), not when this link ran: a
    // link made late (an import, the demo's back-dated members) counts on the day it happened.
    const at = new Date(Math.min(props.now.getTime(), Math.max(member.joinedAt.getTime(), first.addedAt?.getTime() ?? 0)));
    const claimed = await Member.findOneAndUpdate({ _id: props.memberId, recruitedBy: null }, { $set: { recruitedBy: { userId: first.userId, at, counted: false } } }, { returnDocument: "after", lean: true, projection: { recruitedBy: 1 } });
    // Claimed by a concurrent link: that one counts.
    recruit = claimed?.recruitedBy ?? null;
    if (!claimed) {
      return false;
    }
  }
  if (!recruit || recruit.counted || !recruit.userId || !recruit.at) {
    return false;
  }
  const place = (await guidePlaces([recruit.userId])).get(recruit.userId) ?? { storeId: null, regionId: null };
  const counted = await countCompletion({ userId: recruit.userId, ...place, day: chinaDate(recruit.at), key: `recruit:${String(props.memberId)}`, inc: { membersRecruited: 1 } });
  await Member.updateOne({ _id: props.memberId }, { $set: { "recruitedBy.counted": true } });
  return counted;
}
