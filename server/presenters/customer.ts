import type { CustomerAttrs } from "../models/Customer.ts";
import type { FollowAttrs, FollowStatus } from "../models/Follow.ts";

export interface PresentedFollow {
  userId: string;
  remark: string;
  state: string;
  status: FollowStatus;
  tagIds: string[];
  addedAt: string | null;
  addWay: number;
}

export interface PresentedCustomer {
  externalUserId: string;
  name: string;
  avatar: string;
  gender: number;
  follows: PresentedFollow[];
}

/** The names of the guides and tags a customer's follows mention, by id, so screens show names. */
export interface PresentedNames {
  guides: Record<string, string>;
  tags: Record<string, string>;
}

/** The membership a customer is linked to, as the customer pages show it. */
export interface PresentedMemberLink {
  memberNo: string;
  levelName: string;
}

/** A customer in the console's list: the follows and the member link on one row. */
export interface ListedCustomer extends PresentedCustomer {
  member: PresentedMemberLink | null;
  names: PresentedNames;
}

export type TimelineKind = "added" | "tagged" | "joined_group" | "left_group" | "bought" | "note" | "deleted_by_customer" | "deleted_by_employee";

/** One thing that happened to the customer, newest first in the list. */
export interface PresentedTimelineEntry {
  at: string;
  kind: TimelineKind;
  /** The guide involved (who was added or deleted, who wrote the note, whose follow got the tag). */
  guideName: string;
  /** What it was about: a tag's or group's name, an amount in yuan, a note's text. */
  subject: string;
}

export interface PresentedCustomerDetail extends PresentedCustomer {
  names: PresentedNames;
  /** When each follow ended, by guide (follows that have not ended are absent). */
  endedAt: Record<string, string>;
  groups: { chatId: string; name: string }[];
  member: PresentedMemberLink | null;
  notes: { id: string; authorName: string; text: string; at: string }[];
  timeline: PresentedTimelineEntry[];
}

/** Names the presenters put in place of ids. */
export interface NameBook {
  employees: ReadonlyMap<string, string>;
  tags: ReadonlyMap<string, string>;
}

const iso = (date: Date | null | undefined) => (date ? date.toISOString() : null);

/**
 * The names of the guides and tags some follows mention.
 *
 * @param follows the follows.
 * @param names every name known.
 * @param extraUserIds other employees the screen names (note authors, sellers).
 * @returns names by id; a tag WeCom no longer has reads 已删除的标签.
 */
export function presentNames(follows: Pick<FollowAttrs, "userId" | "tagIds">[], names: NameBook, extraUserIds: string[] = []): PresentedNames {
  const guides: Record<string, string> = {};
  for (const userId of [...follows.map((follow) => follow.userId), ...extraUserIds]) {
    guides[userId] = names.employees.get(userId) ?? "";
  }
  const tags: Record<string, string> = {};
  for (const tagId of follows.flatMap((follow) => follow.tagIds)) {
    tags[tagId] = names.tags.get(tagId) ?? "已删除的标签";
  }
  return { guides, tags };
}

/**
 * A customer with the follows the caller may see. unionid is never included here.
 *
 * @param customer the stored customer.
 * @param follows its follows, already scoped to what the caller may see.
 * @returns the public shape.
 */
export function presentCustomer(customer: CustomerAttrs, follows: FollowAttrs[]): PresentedCustomer {
  return {
    externalUserId: customer.externalUserId,
    name: customer.name,
    avatar: customer.avatar,
    gender: customer.gender,
    follows: follows.map((follow) => ({
      userId: follow.userId,
      remark: follow.remark,
      state: follow.state,
      status: follow.status,
      tagIds: [...follow.tagIds],
      addedAt: iso(follow.addedAt),
      addWay: follow.addWay,
    })),
  };
}

/**
 * A row of the console's customer list.
 *
 * @param customer the stored customer.
 * @param follows all its follows.
 * @param member its member link, if any.
 * @param names guides' and tags' names.
 * @returns the row.
 */
export function presentListedCustomer(customer: CustomerAttrs, follows: FollowAttrs[], member: PresentedMemberLink | null, names: NameBook): ListedCustomer {
  return { ...presentCustomer(customer, follows), member, names: presentNames(follows, names) };
}
