import type { Types } from "mongoose";
import { Customer } from "../models/Customer.ts";
import { Follow } from "../models/Follow.ts";
import { Group } from "../models/Group.ts";
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
 * The customer groups each customer is in now.
 *
 * @param externalUserIds customers.
 * @returns customer → chat ids, sorted.
 */
export async function groupsOfCustomers(externalUserIds: string[]): Promise<Map<string, string[]>> {
  const groupsOf = new Map<string, string[]>();
  if (externalUserIds.length === 0) {
    return groupsOf;
  }
  const wanted = new Set(externalUserIds);
  // Not a key lookup: runs when a customer is linked, not on every read.
  const groups = await Group.find({ "members.id": { $in: externalUserIds }, status: "active" })
    .select({ chatId: 1, "members.id": 1, "members.status": 1 })
    .lean<{ chatId: string; members: { id: string; status: string }[] }[]>();
  for (const group of groups) {
    for (const member of group.members) {
      if (member.status === "in" && wanted.has(member.id)) {
        groupsOf.set(member.id, [...(groupsOf.get(member.id) ?? []), group.chatId].sort());
      }
    }
  }
  return groupsOf;
}

/**
 * Recompute a member's corp tags, guides and groups from its WeCom customers' follows and group
 * memberships, so that segments and the sidebar read members with one read (a customer may have
 * joined groups before becoming a member).
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
  const groups = await groupsOfCustomers(member.externalUserIds);
  await Member.updateOne(
    { _id: memberId },
    {
      $set: {
        tagIds: [...new Set(follows.flatMap((follow) => follow.tagIds))].sort(),
        guideUserIds: [...new Set(follows.map((follow) => follow.userId))].sort(),
        groupChatIds: [...new Set(member.externalUserIds.flatMap((id) => groups.get(id) ?? []))].sort(),
      },
    },
  );
}

/**
 * Record customers joining or leaving a group on the customers and their members, so the sidebar
 * and segments read a customer's groups by key.
 *
 * @param chatId the group.
 * @param joined customers who joined.
 * @param left customers who left.
 * @returns nothing.
 */
export async function memberGroupLinker(chatId: string, joined: string[], left: string[]): Promise<void> {
  for (const [ids, operator] of [[joined, "$addToSet"], [left, "$pull"]] as const) {
    for (const externalUserId of ids) {
      await Customer.updateOne({ externalUserId }, { [operator]: { groupChatIds: chatId } });
      const memberId = await memberIdOfCustomer(externalUserId);
      if (memberId) {
        await Member.updateOne({ _id: memberId }, { [operator]: { groupChatIds: chatId } });
      }
    }
  }
}
