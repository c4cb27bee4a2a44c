// Who a mass message goes to, streamed once: each recipient with the guide who will send it.
import { Employee } from "../models/Employee.ts";
import { Follow } from "../models/Follow.ts";
import { Group } from "../models/Group.ts";
import { Member } from "../models/Member.ts";
import type { GuideRule, MassAudience, MassMessageAttrs } from "../models/MassMessage.ts";
import { segmentMemberFilter } from "./segmentCounter.ts";

/** A recipient and its sender; `userId` null = no active follow (counted as unreachable). */
export interface Recipient {
  userId: string | null;
  recipient: string;
}

interface MemberRow {
  externalUserIds?: string[] | null;
  guideUserIds?: string[] | null;
  homeStoreId?: string | null;
}

const BATCH = 500;

/**
 * The members' filter for a customer audience (merged members excluded).
 *
 * @param audience the campaign's audience.
 * @param now the clock (segment rules are relative to it).
 * @returns the filter on `members`.
 */
export async function audienceMemberFilter(audience: MassAudience, now: Date): Promise<Record<string, unknown>> {
  if (audience.kind === "segment") {
    return segmentMemberFilter(audience.segmentId ?? "", now);
  }
  return { tagIds: { $in: audience.tagIds }, mergedInto: null };
}

/**
 * How many customers (or groups) the audience holds now, for the preview and the refusal of an empty one.
 *
 * @param audience the campaign's audience.
 * @param now the clock.
 * @returns the count (members with at least one guide, or active groups).
 */
export async function audienceCount(audience: MassAudience, now: Date): Promise<number> {
  if (audience.kind === "groups") {
    return Group.countDocuments(groupFilter(audience.ownerIds));
  }
  return Member.countDocuments({ ...(await audienceMemberFilter(audience, now)), "guideUserIds.0": { $exists: true } });
}

const groupFilter = (ownerIds: string[]) => ({ status: "active" as const, ...(ownerIds.length > 0 ? { ownerId: { $in: ownerIds } } : {}) });

/** Follow lookups by the exact unique key (customer, guide): the embedded database scans anything else. */
async function followsOf(externalUserIds: string[], guides: string[]) {
  const pairs = externalUserIds.flatMap((externalUserId) => guides.map((userId) => ({ externalUserId, userId })));
  const found = await Promise.all(pairs.map((pair) => Follow.findOne({ ...pair, status: "active" }, { externalUserId: 1, userId: 1, addedAt: 1, updatedAt: 1 }).lean()));
  return found.filter((follow) => follow !== null);
}

/**
 * Pick the member's guide by the rule (the task engine's rule too: a task goes to the guide a
 * campaign would choose). "Last contact" is the follow most recently touched (its updatedAt:
 * added, remark or tags changed by that guide): the product keeps no chat records.
 *
 * @param member the member's customers, guides and home store.
 * @param rule how to choose among several guides.
 * @param storeOf each guide's store (read only by home_store).
 * @returns the guide and the customer to reach, or null when no follow is active.
 */
export async function chooseGuide(member: MemberRow, rule: GuideRule, storeOf: Map<string, string>): Promise<Recipient | null> {
  const guides = member.guideUserIds ?? [];
  const customers = member.externalUserIds ?? [];
  if (guides.length === 0 || customers.length === 0) {
    return null;
  }
  if (guides.length === 1 && customers.length === 1) {
    return { userId: guides[0] as string, recipient: customers[0] as string };
  }
  const follows = await followsOf(customers, guides);
  if (follows.length === 0) {
    return null;
  }
  const time = (date: Date | null | undefined) => (date ? date.getTime() : 0);
  let pool = follows;
  if (rule === "home_store" && member.homeStoreId) {
    const local = follows.filter((follow) => storeOf.get(follow.userId) === member.homeStoreId);
    pool = local.length > 0 ? local : follows;
  }
  const sorted = [...pool].sort((a, b) => (rule === "last_contact" ? time(b.updatedAt ?? b.addedAt) - time(a.updatedAt ?? a.addedAt) : time(a.addedAt) - time(b.addedAt)) || a.userId.localeCompare(b.userId));
  const chosen = sorted[0];
  return chosen ? { userId: chosen.userId, recipient: chosen.externalUserId } : null;
}

/**
 * Stream the audience once (a cursor, batches of 500), yielding each recipient with its guide.
 *
 * @param campaign the campaign (audience and guide rule).
 * @param now the clock.
 * @yields batches of recipients.
 */
export async function* audienceRecipients(campaign: Pick<MassMessageAttrs, "audience" | "guideRule">, now: Date): AsyncGenerator<Recipient[]> {
  if (campaign.audience.kind === "groups") {
    let batch: Recipient[] = [];
    for await (const group of Group.find(groupFilter(campaign.audience.ownerIds), { chatId: 1, ownerId: 1 }).lean().cursor({ batchSize: 1000 })) {
      batch.push({ userId: group.ownerId || null, recipient: group.chatId });
      if (batch.length >= BATCH) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) {
      yield batch;
    }
    return;
  }
  const rule = (campaign.guideRule ?? "last_contact") as GuideRule;
  const storeOf = new Map<string, string>();
  if (rule === "home_store") {
    for (const employee of await Employee.find({}, { userId: 1, mainDepartmentId: 1, departmentIds: 1 }).lean()) {
      const store = employee.mainDepartmentId ?? employee.departmentIds[0];
      if (store !== undefined && store !== null) {
        storeOf.set(employee.userId, String(store));
      }
    }
  }
  const filter = await audienceMemberFilter(campaign.audience, now);
  let rows: MemberRow[] = [];
  const resolve = async (members: MemberRow[]) => (await Promise.all(members.map((member) => chooseGuide(member, rule, storeOf)))).map((chosen, index) => chosen ?? { userId: null, recipient: members[index]?.externalUserIds?.[0] ?? "" });
  for await (const member of Member.find(filter, { externalUserIds: 1, guideUserIds: 1, homeStoreId: 1 }).lean().cursor({ batchSize: 1000 })) {
    rows.push(member as MemberRow);
    if (rows.length >= BATCH) {
      yield await resolve(rows);
      rows = [];
    }
  }
  if (rows.length > 0) {
    yield await resolve(rows);
  }
}
