import { Employee } from "../models/Employee.ts";
import { Follow } from "../models/Follow.ts";
import type { Actor } from "../security/authorization.ts";
import { guidePlaces } from "./campaignCompletion.ts";

export interface TakeoverGuide {
  userId: string;
  name: string;
  storeId: string | null;
  /** In the directory and active (WeCom status 1). */
  active: boolean;
  /** Has customers of their own now: WeCom gives customer contact to them, so a takeover can land. */
  hasContact: boolean;
}

/**
 * What is known of the guides who might take customers over.
 *
 * @param userIds the guides.
 * @returns userid → guide (unknown userids are left out).
 */
export async function takeoverGuides(userIds: string[]): Promise<Map<string, TakeoverGuide>> {
  const employees = await Employee.find({ userId: { $in: userIds } }, { userId: 1, name: 1, wecomStatus: 1, deleted: 1 }).lean();
  const places = await guidePlaces(employees.map((employee) => employee.userId));
  const withContact = new Set<string>();
  for (const employee of employees) {
    if (await Follow.exists({ userId: employee.userId, status: "active" })) {
      withContact.add(employee.userId);
    }
  }
  return new Map(
    employees.map((employee) => [
      employee.userId,
      { userId: employee.userId, name: employee.name || employee.userId, storeId: places.get(employee.userId)?.storeId ?? null, active: employee.wecomStatus === 1 && !employee.deleted, hasContact: withContact.has(employee.userId) },
    ]),
  );
}

/**
 * The guides of a store who can take customers over: active, with customer contact, the store
 * as their main department; sorted by name so a round-robin is the same on every run.
 *
 * @param storeId the store (department id as a string).
 * @param except guides to leave out (the handover guide).
 * @returns the guides.
 */
export async function storeTakeoverGuides(storeId: string, except: string[] = []): Promise<TakeoverGuide[]> {
  const inStore = await Employee.find({ departmentIds: Number(storeId), wecomStatus: 1, deleted: false, userId: { $nin: except } }, { userId: 1 }).lean();
  const guides = await takeoverGuides(inStore.map((employee) => employee.userId));
  return [...guides.values()].filter((guide) => guide.active && guide.hasContact && guide.storeId === storeId).sort((a, b) => a.name.localeCompare(b.name, "zh-CN") || a.userId.localeCompare(b.userId));
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
    return `导购「${takeover.name}」没有客户联系权限`;
  }
  return inTransferScope(actor, takeover.storeId) ? null : `导购「${takeover.name}」不属于您管理的门店`;
}
