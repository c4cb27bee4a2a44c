import type { GroupAttrs } from "../models/Group.ts";

export interface SidebarGroupMember {
  externalUserId: string;
  name: string;
  joinScene: number | null;
  joinedAt: string | null;
  /** The member behind the customer, if any. */
  member: { memberNo: string; levelName: string } | null;
}

/** The sidebar's view of a customer group (docs/sidebar-api.md). */
export interface SidebarGroup {
  chatId: string;
  name: string;
  ownerId: string;
  ownerName: string;
  memberCount: number;
  customerCount: number;
  /** How the people now in the group joined: scene (labels.ts JOIN_SCENE_LABELS) → count. */
  joinScenes: Record<string, number>;
  /** Group-code funnels arrive with their own issue; a group belongs to none until then. */
  funnel: null;
  members: SidebarGroupMember[];
}

/**
 * Who owns the group, how people joined, and which of its customers are members.
 *
 * @param group the stored group.
 * @param parts the owner's name (their userid when unknown); per customer id, the member and the
 *   customer's own name (for people the group knows by no nickname or name).
 * @returns the public shape.
 */
export function presentSidebarGroup(
  group: GroupAttrs,
  parts: { ownerName: string | undefined; members: ReadonlyMap<string, { memberNo: string; levelName: string }>; customerNames: ReadonlyMap<string, string> },
): SidebarGroup {
  const present = group.members.filter((member) => member.status === "in");
  const customers = present.filter((member) => member.type === "customer");
  const joinScenes: Record<string, number> = {};
  for (const member of present) {
    const scene = String(member.joinScene ?? 0);
    joinScenes[scene] = (joinScenes[scene] ?? 0) + 1;
  }
  return {
    chatId: group.chatId,
    name: group.name,
    ownerId: group.ownerId,
    ownerName: parts.ownerName || group.ownerId,
    memberCount: present.length,
    customerCount: customers.length,
    joinScenes,
    funnel: null,
    members: customers.map((customer) => ({
      externalUserId: customer.id,
      name: customer.groupNickname || customer.name || parts.customerNames.get(customer.id) || "",
      joinScene: customer.joinScene ?? null,
      joinedAt: customer.joinedAt ? customer.joinedAt.toISOString() : null,
      member: parts.members.get(customer.id) ?? null,
    })),
  };
}
