import type { Types } from "mongoose";
import { Follow } from "../models/Follow.ts";
import { Member } from "../models/Member.ts";
import { MemberIdentity } from "../models/MemberIdentity.ts";

/**
 * The member a WeCom customer is linked to, if any.
 *
 * @param externalUserId the customer.
 * @returns the member id or null.
 */
export async function memberIdOfCustomer(externalUserId: string): Promise<Types.ObjectId | null> {
  const identity = await MemberIdentity.findById(`customer:${externalUserId}`, { memberId: 1 }).lean();
  return identity?.memberId ?? null;
}

/**
 * Recompute a member's corp tags and guides from the follows of its WeCom customers, so that
 * segments filter members with one read.
 *
 * @param memberId the member.
 * @returns nothing.
 */
export default async function memberLinkRefresher(memberId: Types.ObjectId): Promise<void> {
  const member = await Member.findById(memberId, { externalUserIds: 1 }).lean();
  if (!member) {
    return;
  }
  // One lookup per (customer, guide) would need the guide list; a member has few customers, so
  // reading their follows by customer is bounded.
  const follows = member.externalUserIds.length
    ? await Follow.find({ externalUserId: { $in: member.externalUserIds }, status: "active" }, { userId: 1, tagIds: 1 }).lean()
    : [];
  await Member.updateOne(
    { _id: memberId },
    {
      $set: {
        tagIds: [...new Set(follows.flatMap((follow) => follow.tagIds))].sort(),
        guideUserIds: [...new Set(follows.map((follow) => follow.userId))].sort(),
      },
    },
  );
}

/**
 * Record customers joining or leaving a group on their members.
 *
 * @param chatId the group.
 * @param joined customers who joined.
 * @param left customers who left.
 * @returns nothing.
 */
export async function memberGroupLinker(chatId: string, joined: string[], left: string[]): Promise<void> {
  for (const [ids, operator] of [[joined, "$addToSet"], [left, "$pull"]] as const) {
    for (const externalUserId of ids) {
      const memberId = await memberIdOfCustomer(externalUserId);
      if (memberId) {
        await Member.updateOne({ _id: memberId }, { [operator]: { groupChatIds: chatId } });
      }
    }
  }
}
