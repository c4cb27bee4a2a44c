import { DepartedGuide } from "../models/DepartedGuide.ts";
import { Employee } from "../models/Employee.ts";
import type { Actor } from "../security/authorization.ts";
import type { WeComClient } from "../wecom/client.ts";
import { guidePlaces } from "./campaignCompletion.ts";

export interface TakeoverGuide {
  userId: string;
  name: string;
  storeId: string | null;
  /** In the directory and active (WeCom status 1). */
  active: boolean;
  /** Has customer contact (客户联系) in WeCom: only then can a takeover land. */
  hasContact: boolean;
}

/**
 * The members WeCom gives customer contact to (get_follow_user_list, wecom-reference §4.1): one
 * call, asked when a transfer is planned so a permission taken away yesterday counts today.
 *
 * @param wecom the client.
 * @returns their userids.
 */
export async function contactUserIds(wecom: WeComClient): Promise<Set<string>> {
  const answer = await wecom.get<{ follow_user?: string[] }>("/cgi-bin/externalcontact/get_follow_user_list");
  return new Set(answer.follow_user ?? []);
}

/**
 * What is known of the guides who might take customers over.
 *
 * @param wecom the client (who has customer contact).
 * @param userIds the guides.
 * @returns userid → guide (unknown userids are left out).
 */
export async function takeoverGuides(wecom: WeComClient, userIds: string[]): Promise<Map<string, TakeoverGuide>> {
  if (userIds.length === 0) {
    return new Map();
  }
  const employees = await Employee.find({ userId: { $in: userIds } }, { userId: 1, name: 1, wecomStatus: 1, deleted: 1 }).lean();
  const [places, withContact] = await Promise.all([guidePlaces(employees.map((employee) => employee.userId)), contactUserIds(wecom)]);
  return new Map(
    employees.map((employee) => [
      employee.userId,
      { userId: employee.userId, name: employee.name || employee.userId, storeId: places.get(employee.userId)?.storeId ?? null, active: employee.wecomStatus === 1 && !employee.deleted, hasContact: withContact.has(employee.userId) },
    ]),
  );
}

/**
 * The guides of a store who can take customers over: guides (not its managers), active, with
 * customer contact, the store as their main department; sorted by name so a round-robin is the same on every run.
 *
 * @param wecom the client.
 * @param storeId the store (department id as a string).
 * @param except guides to leave out (the handover guide).
 * @returns the guides.
 */
export async function storeTakeoverGuides(wecom: WeComClient, storeId: string, except: string[] = []): Promise<TakeoverGuide[]> {
  // Guides only: a region manager working from the store is not in its rotation.
  const inStore = await Employee.find({ departmentIds: Number(storeId), role: "guide", wecomStatus: 1, deleted: false, userId: { $nin: except } }, { userId: 1 }).lean();
  const guides = await takeoverGuides(wecom, inStore.map((employee) => employee.userId));
  return [...guides.values()].filter((guide) => guide.active && guide.hasContact && guide.storeId === storeId).sort((a, b) => a.name.localeCompare(b.name, "zh-CN") || a.userId.localeCompare(b.userId));
}

/**
 * A handover guide's store: a departed guide's as synced (the directory may have forgotten them),
 * else their main department, so the lists and the moves scope a manager alike.
 *
 * @param userId the handover guide.
 * @returns the store, or null when nothing places the guide.
 */
export async function handoverStore(userId: string): Promise<string | null> {
  const departed = await DepartedGuide.findById(userId, { storeId: 1 }).lean();
  return departed?.storeId ?? (await guidePlaces([userId])).get(userId)?.storeId ?? null;
}

/**
 * @param actor who asks: a manager reaches only their stores.
 * @param storeId the store of the guide or customer.
 * @returns whether the actor may transfer there.
 */
export function inTransferScope(actor: Actor, storeId: string | null): boolean {
  return actor.role !== "manager" || (storeId !== null && actor.scopeStoreIds.includes(storeId));
}

/**
 * @param actor who asks.
 * @param takeover the chosen guide (undefined: not in the directory).
 * @param handoverUserId the guide giving the customers.
 * @returns why the guide cannot take over, in Chinese, or null.
 */
export function takeoverProblem(actor: Actor, takeover: TakeoverGuide | undefined, handoverUserId: string): string | null {
  if (!takeover) {
    return "接替导购不存在";
  }
  if (takeover.userId === handoverUserId) {
    return "接替导购不能是原导购";
  }
  if (!takeover.active) {
    return `导购「${takeover.name}」不在职，不能接替`;
  }
  if (!takeover.hasContact) {
    return `导购「${takeover.name}」没有客户联系权限，不能接替`;
  }
  return inTransferScope(actor, takeover.storeId) ? null : `导购「${takeover.name}」不属于您管理的门店`;
}
