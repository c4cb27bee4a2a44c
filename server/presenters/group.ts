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
  notice: string;
  status: "active" | "dismissed";
  memberCount: number;
  members: PresentedGroupMember[];
}

const iso = (date: Date | null | undefined) => (date ? date.toISOString() : null);

/**
 * A customer group with its members, current and former.
 *
 * @param group the stored group.
 * @returns the public shape.
 */
export function presentGroup(group: GroupAttrs): PresentedGroup {
  return {
    chatId: group.chatId,
    name: group.name,
    ownerId: group.ownerId,
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
  };
}
