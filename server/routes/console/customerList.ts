import { currentProgram } from "../../commands/programStore.ts";
import { escapeRegex } from "../../domain/regex.ts";
import { ValidationError } from "../../errors.ts";
import { Customer } from "../../models/Customer.ts";
import { Department } from "../../models/Department.ts";
import { Employee } from "../../models/Employee.ts";
import { Follow, type FollowAttrs } from "../../models/Follow.ts";
import { Member } from "../../models/Member.ts";
import { MemberIdentity } from "../../models/MemberIdentity.ts";
import { TagGroup } from "../../models/TagGroup.ts";
import { presentListedCustomer, type ListedCustomer, type NameBook, type PresentedMemberLink } from "../../presenters/customer.ts";
import { customerScopeFollowFilter, type Actor } from "../../security/authorization.ts";
import type { CustomerListQuery } from "./customersSchema.ts";

/**
 * @param day a China calendar day, YYYY-MM-DD.
 * @param end true for the first instant after that day.
 * @returns the instant the day starts (or ends) in China.
 */
export function chinaDayBound(day: string, end = false): Date {
  const start = new Date(`${day}T00:00:00+08:00`);
  return end ? new Date(start.getTime() + 86_400_000) : start;
}

/**
 * The guides a store holds; refuses a store nobody knows, naming the field.
 *
 * @param storeId the store (a department id as text).
 * @returns their user ids.
 */
export async function guidesOfStore(storeId: string): Promise<string[]> {
  const departmentId = Number(storeId);
  if (!(await Department.exists({ departmentId }))) {
    throw ValidationError("storeId: 找不到该门店");
  }
  const employees = await Employee.find({ departmentIds: departmentId }, { userId: 1 }).lean();
  return employees.map((employee) => employee.userId);
}

/**
 * @param userId a guide named in a filter.
 * @param field the query field that named them.
 * @throws 400 "<field>: 找不到该导购" when the directory does not know them.
 */
export async function assertGuideExists(userId: string, field: string): Promise<void> {
  if (!(await Employee.exists({ userId }))) {
    throw ValidationError(`${field}: 找不到该导购`);
  }
}

// What one follow must match for its customer to be listed; all filters on the same follow, so
// "guide X, deleted by the customer" means X's follow was deleted, not any follow.
async function followConditions(query: CustomerListQuery): Promise<Record<string, unknown> | null> {
  const conditions: Record<string, unknown>[] = [];
  if (query.guide) {
    await assertGuideExists(query.guide, "guide");
    conditions.push({ userId: query.guide });
  }
  if (query.storeId) {
    conditions.push({ userId: { $in: await guidesOfStore(query.storeId) } });
  }
  if (query.tagId) {
    conditions.push({ tagIds: query.tagId });
  }
  if (query.state) {
    conditions.push({ state: query.state });
  }
  if (query.status) {
    conditions.push({ status: query.status });
  }
  if (query.addedFrom || query.addedTo) {
    const range: Record<string, Date> = {};
    if (query.addedFrom) {
      range.$gte = chinaDayBound(query.addedFrom);
    }
    if (query.addedTo) {
      range.$lt = chinaDayBound(query.addedTo, true);
    }
    conditions.push({ addedAt: range });
  }
  return conditions.length > 0 ? { $and: conditions } : null;
}

/**
 * One page of customers with their follows, filtered and scoped, paged by the database. Filters on
 * follows and the member link are each one query for the matching customer ids; the page itself
 * is a skip/limit over customers with its total.
 *
 * @param actor who asks (a manager sees customers their stores' guides actively follow).
 * @param query filters and page.
 * @returns the rows and the total.
 */
export async function listCustomers(actor: Actor, query: CustomerListQuery): Promise<{ rows: ListedCustomer[]; total: number }> {
  if (query.addedFrom && query.addedTo && query.addedFrom > query.addedTo) {
    throw ValidationError("addedTo: 结束日期不能早于开始日期");
  }
  const conditions: Record<string, unknown>[] = [];
  for (const followFilter of [await followConditions(query), await customerScopeFollowFilter(actor)]) {
    if (followFilter) {
      conditions.push({ externalUserId: { $in: await Follow.distinct("externalUserId", followFilter) } });
    }
  }
  if (query.member) {
    const linked = await MemberIdentity.find({ kind: "customer" }, { _id: 1 }).lean();
    const ids = linked.map((identity) => identity._id.slice("customer:".length));
    conditions.push({ externalUserId: query.member === "yes" ? { $in: ids } : { $nin: ids } });
  }
  if (query.q) {
    conditions.push({ name: { $regex: escapeRegex(query.q), $options: "i" } });
  }
  const filter = conditions.length > 0 ? { $and: conditions } : {};
  const [customers, total] = await Promise.all([
    Customer.find(filter).sort({ createdAt: -1, _id: -1 }).skip((query.page - 1) * query.pageSize).limit(query.pageSize).lean(),
    Customer.countDocuments(filter),
  ]);
  const ids = customers.map((customer) => customer.externalUserId);
  const [follows, members] = await Promise.all([
    Follow.find({ externalUserId: { $in: ids } }).sort({ addedAt: 1, _id: 1 }).lean(),
    memberLinks(ids),
  ]);
  const names = await nameBook(follows);
  const byCustomer = new Map<string, FollowAttrs[]>();
  for (const follow of follows) {
    byCustomer.set(follow.externalUserId, [...(byCustomer.get(follow.externalUserId) ?? []), follow]);
  }
  const rows = customers.map((customer) => presentListedCustomer(customer, byCustomer.get(customer.externalUserId) ?? [], members.get(customer.externalUserId) ?? null, names));
  return { rows, total };
}

/**
 * The names of the guides and tags some follows mention.
 *
 * @param follows the follows.
 * @param extraUserIds other employees to name (note authors).
 * @returns the names by id.
 */
export async function nameBook(follows: Pick<FollowAttrs, "userId" | "tagIds">[], extraUserIds: string[] = []): Promise<NameBook> {
  const userIds = [...new Set([...follows.map((follow) => follow.userId), ...extraUserIds])];
  const [employees, tagGroups] = await Promise.all([Employee.find({ userId: { $in: userIds } }, { userId: 1, name: 1 }).lean(), TagGroup.find({}, { tags: 1 }).lean()]);
  return {
    employees: new Map(employees.map((employee) => [employee.userId, employee.name])),
    tags: new Map(tagGroups.flatMap((group) => group.tags.map((tag): [string, string] => [tag.id, tag.name]))),
  };
}

/**
 * The member each customer is linked to, by the identity key `customer:<external_userid>`.
 *
 * @param externalUserIds the customers.
 * @returns member number and level name by customer.
 */
export async function memberLinks(externalUserIds: string[]): Promise<Map<string, PresentedMemberLink>> {
  const [identities, { program }] = await Promise.all([
    Promise.all(externalUserIds.map((id) => MemberIdentity.findById(`customer:${id}`, { memberId: 1 }).lean())),
    currentProgram(),
  ]);
  const links = new Map<string, PresentedMemberLink>();
  await Promise.all(
    identities.map(async (identity, index) => {
      const found = identity ? await Member.findById(identity.memberId, { memberNo: 1, levelCode: 1, mergedInto: 1 }).lean() : null;
      // A merged member's identities lead to the one it was merged into.
      const member = found?.mergedInto ? await Member.findById(found.mergedInto, { memberNo: 1, levelCode: 1 }).lean() : found;
      const externalUserId = externalUserIds[index];
      if (member && externalUserId) {
        const level = program.levels.find((candidate) => candidate.code === member.levelCode);
        links.set(externalUserId, { memberNo: member.memberNo, levelName: level?.name ?? member.levelCode });
      }
    }),
  );
  return links;
}
