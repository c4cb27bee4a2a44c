// Who may see what: the one place that decides it, for the console and the sidebar alike.
// Routes name an area and an action, or ask about one record (a customer, a group, a member);
// record checks answer with a refusal that says nothing about the record itself.
import { AuthorizationError } from "../errors.ts";
import { Employee, type Role } from "../models/Employee.ts";
import { Follow } from "../models/Follow.ts";
import { Group } from "../models/Group.ts";

/** Whoever is making the request: an employee with a session, or a script with SCRM_API_TOKEN (admin). */
export interface Actor {
  kind: "session" | "api_token";
  role: Role;
  /** The employee; null for the API token. */
  userId: string | null;
  /** A manager's stores (department ids as strings). */
  scopeStoreIds: string[];
}

export type Action = "read" | "write";

/** The console's areas; each route belongs to one. */
export type Area =
  | "customers"
  | "groups"
  | "members"
  | "orders"
  | "program"
  | "tags"
  | "segments"
  | "benefits"
  | "kpis"
  | "events"
  | "org"
  | "roles"
  | "quick_replies"
  | "funnels"
  | "losses"
  | "channel_codes"
  | "bot"
  | "draws"
  | "cash_transfers"
  | "moments"
  | "mass_messages"
  | "campaign_reminders"
  | "media"
  | "transfers"
  | "task_rules"
  | "completion"
  | "sidebar";

const RW: Action[] = ["read", "write"];
const R: Action[] = ["read"];

// Managers read what their stores did; operators run the programme and campaigns; guides work in
// the sidebar only. Record-level scope (own customers, own stores) is checked on top of this.
const AREA_RULES: Record<Area, Partial<Record<Role, Action[]>>> = {
  customers: { admin: RW, operator: R, manager: R },
  groups: { admin: RW, operator: R, manager: R },
  members: { admin: RW, operator: RW, manager: R },
  orders: { admin: RW, operator: RW },
  program: { admin: RW, operator: RW, manager: R },
  tags: { admin: RW, operator: RW, manager: R },
  segments: { admin: RW, operator: RW },
  benefits: { admin: RW, operator: RW, manager: R },
  // A manager's figures are cut to their stores (server/routes/console/kpis.ts).
  kpis: { admin: R, operator: R, manager: R },
  events: { admin: R },
  org: { admin: RW, operator: R, manager: R },
  roles: { admin: RW },
  quick_replies: { admin: RW, operator: RW, manager: R, guide: R },
  // Operators run the group-code funnels (群活码); managers see how they do.
  funnels: { admin: RW, operator: RW, manager: R },
  // Customers lost by guides: managers follow up on their stores' (cut by lossScopeFilter).
  losses: { admin: R, operator: R, manager: R },
  // Operators run channel codes (渠道活码); managers see their stores' (channelCodeScopeFilter).
  channel_codes: { admin: RW, operator: RW, manager: R },
  // The group bot (群机器人): operators write its rules; managers see what it says in groups.
  bot: { admin: RW, operator: RW, manager: R },
  // Cash prizes' WeChat Pay transfers: admins and operators follow and retry them.
  cash_transfers: { admin: RW, operator: RW },
  // Lucky draws (抽奖): operators run them; managers read their stores' winners (drawWinnerScope).
  draws: { admin: RW, operator: RW, manager: R },
  // Moments (朋友圈) and mass messages (群发): operators plan and send them; managers follow their
  // stores' completion and remind their guides (campaignScope cuts what they see).
  moments: { admin: RW, operator: RW, manager: R },
  mass_messages: { admin: RW, operator: RW, manager: R },
  // 催办: store managers remind their own guides too (the route cuts to the manager's stores).
  campaign_reminders: { admin: RW, operator: RW, manager: RW },
  // The media library (素材库) moments and mass messages pick from: managers see it, read-only.
  media: { admin: RW, operator: RW, manager: R },
  // Managers do the handover of their stores' departed guides (every list and action cut to their stores).
  transfers: { admin: RW, operator: R, manager: RW },
  // The guides' task rules and templates (任务规则): operators set them; managers read them.
  task_rules: { admin: RW, operator: RW, manager: R },
  // Completion dashboards (完成率): headquarters reads all; managers read and remind (催办) their stores.
  completion: { admin: RW, operator: R, manager: RW },
  sidebar: { admin: RW, operator: RW, manager: RW, guide: RW },
};

/**
 * @param actor who asks.
 * @param action read or write.
 * @param area the console area.
 * @returns whether the role allows it (before any record-level scope).
 */
export function can(actor: Actor, action: Action, area: Area): boolean {
  return AREA_RULES[area][actor.role]?.includes(action) ?? false;
}

/**
 * @param actor who asks.
 * @param action read or write.
 * @param area the console area.
 * @throws 403 when the role does not allow it.
 */
export function assertCan(actor: Actor, action: Action, area: Area): void {
  if (!can(actor, action, area)) {
    throw AuthorizationError("您没有权限执行此操作");
  }
}

/** True for roles that see every record of an area they may enter. */
const seesAll = (actor: Actor) => actor.role === "admin" || actor.role === "operator";

/**
 * The employees a manager's stores hold (a store is a department).
 *
 * @param actor a manager.
 * @returns their user ids.
 */
export async function employeesInScope(actor: Actor): Promise<string[]> {
  if (actor.scopeStoreIds.length === 0) {
    return [];
  }
  const departmentIds = actor.scopeStoreIds.map(Number).filter(Number.isInteger);
  const employees = await Employee.find({ departmentIds: { $in: departmentIds } }, { userId: 1 }).lean();
  return employees.map((employee) => employee.userId);
}

/**
 * A customer (external contact) may be seen by a guide who follows them (active follow), by a
 * manager when a guide of the manager's stores follows them, and by admins and operators.
 *
 * @param actor who asks.
 * @param externalUserId the customer.
 * @throws 403 "该客户不是您的客户" otherwise; the message is the same whether or not the customer exists.
 */
export async function assertCustomer(actor: Actor, externalUserId: string): Promise<void> {
  if (seesAll(actor)) {
    return;
  }
  if (actor.role === "guide" && actor.userId) {
    // The compound unique key is read exactly, so this is one indexed lookup.
    const follow = await Follow.findOne({ externalUserId, userId: actor.userId }, { status: 1 }).lean();
    if (follow?.status === "active") {
      return;
    }
  }
  if (actor.role === "manager") {
    const userIds = await employeesInScope(actor);
    const follow = userIds.length > 0 ? await Follow.exists({ externalUserId, userId: { $in: userIds }, status: "active" }) : null;
    if (follow) {
      return;
    }
  }
  throw AuthorizationError("该客户不是您的客户");
}

/**
 * A customer group may be seen by its owner or an employee in it, by a manager whose stores hold
 * its owner, and by admins and operators.
 *
 * @param actor who asks.
 * @param chatId the group.
 * @throws 403 "该群不是您的群" otherwise.
 */
export async function assertGroup(actor: Actor, chatId: string): Promise<void> {
  if (seesAll(actor)) {
    return;
  }
  const group = await Group.findOne({ chatId }).select({ ownerId: 1, "members.id": 1, "members.status": 1 }).lean<{ ownerId: string; members?: { id: string; status: string }[] }>();
  const userId = actor.userId;
  const isIn = (id: string) => group?.ownerId === id || (group?.members ?? []).some((member) => member.id === id && member.status === "in");
  if (group && actor.role === "guide" && userId && isIn(userId)) {
    return;
  }
  if (group && actor.role === "manager" && (await employeesInScope(actor)).includes(group.ownerId)) {
    return;
  }
  throw AuthorizationError("该群不是您的群");
}

/** What a member record needs for the check. */
export interface MemberScopeFields {
  homeStoreId?: string | null;
  guideUserIds?: string[] | null;
}

/**
 * A member may be seen by a guide bound to them, by a manager when the member's home store is one
 * of theirs or a guide of theirs serves the member, and by admins and operators.
 *
 * @param actor who asks.
 * @param member the member's home store and guides.
 * @throws 403 "该会员不在您的管辖范围" otherwise.
 */
export async function assertMember(actor: Actor, member: MemberScopeFields): Promise<void> {
  if (seesAll(actor)) {
    return;
  }
  const guides = member.guideUserIds ?? [];
  if (actor.role === "guide" && actor.userId && guides.includes(actor.userId)) {
    return;
  }
  if (actor.role === "manager") {
    if (member.homeStoreId && actor.scopeStoreIds.includes(member.homeStoreId)) {
      return;
    }
    const userIds = await employeesInScope(actor);
    if (guides.some((guide) => userIds.includes(guide))) {
      return;
    }
  }
  throw AuthorizationError("该会员不在您的管辖范围");
}

/**
 * The filter that narrows a list of members to what the actor may see.
 *
 * @param actor who asks.
 * @returns a MongoDB filter ({} for admins and operators).
 */
export async function memberScopeFilter(actor: Actor): Promise<Record<string, unknown>> {
  if (seesAll(actor)) {
    return {};
  }
  if (actor.role === "manager") {
    const userIds = await employeesInScope(actor);
    return { $or: [{ homeStoreId: { $in: actor.scopeStoreIds } }, { guideUserIds: { $in: userIds } }] };
  }
  return { guideUserIds: actor.userId ?? "" };
}

/**
 * The filter that narrows a list of employees to what the actor may see.
 *
 * @param actor who asks.
 * @returns a MongoDB filter ({} for admins and operators).
 */
export function employeeScopeFilter(actor: Actor): Record<string, unknown> {
  if (seesAll(actor)) {
    return {};
  }
  if (actor.role === "manager") {
    return { departmentIds: { $in: actor.scopeStoreIds.map(Number).filter(Number.isInteger) } };
  }
  return { userId: actor.userId ?? "" };
}

/**
 * The follows that put a customer in the actor's sight, as assertCustomer decides for one customer:
 * an active follow by a guide of a manager's stores.
 *
 * @param actor who asks.
 * @returns a MongoDB filter on follows, or null for admins and operators (every customer).
 */
export async function customerScopeFollowFilter(actor: Actor): Promise<Record<string, unknown> | null> {
  if (seesAll(actor)) {
    return null;
  }
  if (actor.role === "manager") {
    return { userId: { $in: await employeesInScope(actor) }, status: "active" };
  }
  return { userId: actor.userId ?? "", status: "active" };
}

/**
 * The filter that narrows a list of groups to what the actor may see, as assertGroup does for one.
 *
 * @param actor who asks.
 * @returns a MongoDB filter on groups ({} for admins and operators).
 */
export async function groupScopeFilter(actor: Actor): Promise<Record<string, unknown>> {
  if (seesAll(actor)) {
    return {};
  }
  if (actor.role === "manager") {
    return { ownerId: { $in: await employeesInScope(actor) } };
  }
  return { $or: [{ ownerId: actor.userId ?? "" }, { members: { $elemMatch: { id: actor.userId ?? "", status: "in" } } }] };
}

/**
 * The filter that narrows a list of losses to the actor's stores.
 *
 * @param actor who asks.
 * @returns a MongoDB filter on losses ({} for admins and operators).
 */
export function lossScopeFilter(actor: Actor): Record<string, unknown> {
  if (seesAll(actor)) {
    return {};
  }
  if (actor.role === "manager") {
    return { storeId: { $in: actor.scopeStoreIds } };
  }
  return { userId: actor.userId ?? "" };
}

/**
 * The channel codes a manager may see: their stores' store codes and codes answered by their
 * stores' guides.
 *
 * @param actor who asks.
 * @returns a MongoDB filter on channel codes, or null for admins and operators (every code).
 */
export async function channelCodeScopeFilter(actor: Actor): Promise<Record<string, unknown> | null> {
  if (seesAll(actor)) {
    return null;
  }
  const userIds = actor.role === "manager" ? await employeesInScope(actor) : [actor.userId ?? ""];
  return { $or: [{ storeId: { $in: actor.role === "manager" ? actor.scopeStoreIds : [] } }, { "guides.userId": { $in: userIds } }, { backupGuides: { $in: userIds } }] };
}

/**
 * Which draw winners an actor may see: everyone for admins and operators; for a manager, the
 * customers the guides of their stores follow (winners known only by WeChat are not theirs).
 *
 * @param actor who asks.
 * @returns external user ids to keep, or null for all.
 */
export async function drawWinnerScope(actor: Actor): Promise<string[] | null> {
  if (seesAll(actor)) {
    return null;
  }
  const userIds = actor.role === "manager" ? await employeesInScope(actor) : [];
  if (userIds.length === 0) {
    return [];
  }
  return Follow.distinct("externalUserId", { userId: { $in: userIds }, status: "active" });
}
