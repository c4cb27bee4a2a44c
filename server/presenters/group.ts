import type { GroupAttrs } from "../models/Group.ts";

export interface PresentedGroupMember {
  id: string;
  type: "employee" | "customer";
  joinScene: number | null;
  joinedAt: string | null;
  invitorId: string | null;
  status: "in" | "left";
  quitScene: number | null;
  leftAt: string | null;
}

export interface PresentedGroup {
  chatId: string;
  name: string;
  ownerId: string;
  ownerName: string;
  notice: string;
  status: "active" | "dismissed";
  memberCount: number;
  members: PresentedGroupMember[];
  /** Each member's name by id: the directory's for employees, the customer's own, else the group nickname. */
  memberNames: Record<string, string>;
}

const iso = (date: Date | null | undefined) => (date ? date.toISOString() : null);

/** A group in the console's list. */
export interface ListedGroup {
  chatId: string;
  name: string;
  ownerId: string;
  ownerName: string;
  status: "active" | "dismissed";
  memberCount: number;
  customerCount: number;
  /** Customers who joined minus those who left over the last 7 China days (kept on write). */
  growth7d: number;
  /** The group-code funnel the group belongs to; funnels do not exist yet. */
  funnel: { id: string; name: string } | null;
  createdAt: string | null;
}

/** Joins and leaves of a group on one China day. */
export interface PresentedGroupDay {
  day: string;
  joins: number;
  leaves: number;
}

/**
 * A row of the console's group list.
 *
 * @param group the stored group.
 * @param ownerName the owner's name from the directory.
 * @param growth7d net customer joins over the last 7 days.
 * @returns the row.
 */
export function presentListedGroup(group: GroupAttrs, ownerName: string, growth7d: number): ListedGroup {
  const inGroup = group.members.filter((member) => member.status === "in");
  return {
    chatId: group.chatId,
    name: group.name,
    ownerId: group.ownerId,
    ownerName,
    status: group.status,
    memberCount: inGroup.length,
    customerCount: inGroup.filter((member) => member.type === "customer").length,
    growth7d,
    funnel: null,
    createdAt: iso(group.createdAtWeCom),
  };
}

/**
 * A customer group with its members, current and former.
 *
 * @param group the stored group.
 * @param names employees' and customers' names by id, where known.
 * @returns the public shape.
 */
export function presentGroup(group: GroupAttrs, names: ReadonlyMap<string, string> = new Map()): PresentedGroup {
  return {
    chatId: group.chatId,
    name: group.name,
    ownerId: group.ownerId,
    ownerName: names.get(group.ownerId) ?? "",
    notice: group.notice,
    status: group.status,
    memberCount: group.members.filter((member) => member.status === "in").length,
    members: group.members.map((member) => ({
      id: member.id,
      type: member.type,
      joinScene: member.joinScene ?? null,
      joinedAt: iso(member.joinedAt),
      invitorId: member.invitorId ?? null,
      status: member.status,
      quitScene: member.quitScene ?? null,
      leftAt: iso(member.leftAt),
    })),
    memberNames: Object.fromEntries(group.members.map((member) => [member.id, names.get(member.id) || member.groupNickname || member.name || ""])),
  };
}
