import type { Types } from "mongoose";
import type { CustomerAttrs } from "../models/Customer.ts";
import type { CustomerNoteAttrs } from "../models/CustomerNote.ts";
import type { FollowAttrs } from "../models/Follow.ts";
import type { GroupAttrs } from "../models/Group.ts";
import type { OrderAttrs } from "../models/Order.ts";
import type { TagGroupAttrs } from "../models/TagGroup.ts";
import type { PresentedBenefit } from "./benefit.ts";
import type { PresentedMember } from "./member.ts";
import { presentOrder, type PresentedOrder } from "./order.ts";
import { tagIndex, type NamedTag } from "./tag.ts";

export interface SidebarNote {
  id: string;
  text: string;
  authorUserId: string;
  authorName: string;
  createdAt: string;
}

/** The member as the guide sees them: no internal ids. */
export type SidebarMember = Omit<PresentedMember, "externalUserIds" | "mergedInto" | "id">;

/** What the sidebar shows about the customer in the chat (docs/sidebar-api.md). */
export interface SidebarCustomer {
  customer: { externalUserId: string; name: string; avatar: string; type: number; corpName: string; gender: number };
  follow: { userId: string; remark: string; description: string; state: string; addWay: number; addedAt: string | null; tagIds: string[] } | null;
  channel: { state: string; name: string | null } | null;
  tags: NamedTag[];
  member: SidebarMember | null;
  benefits: PresentedBenefit[];
  /** The latest 5, as the console's member page shows orders. */
  orders: PresentedOrder[];
  groups: { chatId: string; name: string; memberCount: number }[];
  notes: SidebarNote[];
}

/**
 * @param note a stored note.
 * @param authorName the author's name (their userid when unknown).
 * @returns the public shape.
 */
export function presentNote(note: CustomerNoteAttrs & { _id: Types.ObjectId; createdAt?: Date }, authorName: string | undefined): SidebarNote {
  return { id: String(note._id), text: note.text, authorUserId: note.authorUserId, authorName: authorName || note.authorUserId, createdAt: (note.createdAt ?? new Date(0)).toISOString() };
}

/**
 * The sidebar's customer view. The phone is masked by presentMember; unionid never leaves.
 *
 * @param parts what customerProfile read.
 * @returns the public shape.
 */
export function presentSidebarCustomer(parts: {
  customer: CustomerAttrs;
  follow: FollowAttrs | null;
  member: PresentedMember | null;
  benefits: PresentedBenefit[];
  orders: OrderAttrs[];
  groups: Pick<GroupAttrs, "chatId" | "name" | "members">[];
  notes: (CustomerNoteAttrs & { _id: Types.ObjectId; createdAt?: Date })[];
  authorNames: Map<string, string>;
  tagGroups: TagGroupAttrs[];
  /** The name of the channel code whose state the follow carries, when one exists. */
  channelName?: string | null;
}): SidebarCustomer {
  const { customer, follow, member } = parts;
  const tags = tagIndex(parts.tagGroups);
  const memberView = member ? (({ externalUserIds: _ids, mergedInto: _merged, id: _id, ...rest }) => rest)(member) : null;
  return {
    customer: { externalUserId: customer.externalUserId, name: customer.name, avatar: customer.avatar, type: customer.wecomType, corpName: customer.corpName, gender: customer.gender },
    follow: follow
      ? { userId: follow.userId, remark: follow.remark, description: follow.description, state: follow.state, addWay: follow.addWay, addedAt: follow.addedAt ? follow.addedAt.toISOString() : null, tagIds: [...follow.tagIds] }
      : null,
    // A state no channel code carries (deleted, or set by another tool) keeps its name null.
    channel: follow?.state ? { state: follow.state, name: parts.channelName || null } : null,
    tags: (follow?.tagIds ?? []).flatMap((id) => tags.get(id) ?? []),
    member: memberView,
    benefits: parts.benefits,
    orders: parts.orders.map(presentOrder),
    groups: parts.groups.map((group) => ({ chatId: group.chatId, name: group.name, memberCount: group.members.filter((one) => one.status === "in").length })),
    notes: parts.notes.map((note) => presentNote(note, parts.authorNames.get(note.authorUserId))),
  };
}
