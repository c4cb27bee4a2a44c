// Whom a 催办 reaches: the guides of a store, of a region's stores, of the whole company, or the
// ones picked, cut to a manager's stores. The send and its preview resolve the same way, so the
// confirm dialog's numbers are the numbers the send works on.
import { storeOfGuide, storesOfRegion } from "../../commands/completionViews.ts";
import { AppError, AuthorizationError, ValidationError } from "../../errors.ts";
import { Department } from "../../models/Department.ts";
import { Employee } from "../../models/Employee.ts";
import type { Actor } from "../../security/authorization.ts";
import { assertStoreInScope } from "./completionReport.ts";

/** One of the selectors the schema allows (exactly one is set). */
export interface RemindSelector {
  storeId?: string | undefined;
  regionId?: string | undefined;
  scope?: "company" | undefined;
  userIds?: string[] | undefined;
}

/** The guides a 催办 works on, each with their store (null for a guide without one). */
export interface RemindScope {
  storeOf: Map<string, string | null>;
  /** A manager's region reaches only their stores of it. */
  cut: boolean;
}

const isManager = (actor: Actor) => actor.role === "manager";

/** The directory's guides of some stores (their main department), or of every store when null. */
async function guidesOf(storeIds: string[] | null): Promise<Map<string, string | null>> {
  const where = storeIds === null ? {} : { mainDepartmentId: { $in: storeIds.map(Number) } };
  const guides = await Employee.find({ ...where, role: "guide", deleted: { $ne: true } }, { userId: 1, mainDepartmentId: 1 }).lean();
  return new Map(guides.map((guide) => [guide.userId, typeof guide.mainDepartmentId === "number" ? String(guide.mainDepartmentId) : null]));
}

/** A region's stores as the actor may remind them; refusals name the field. */
async function regionStores(actor: Actor, regionId: string): Promise<{ stores: string[]; cut: boolean }> {
  const region = await Department.findOne({ departmentId: Number(regionId), deleted: { $ne: true } }, { parentId: 1 }).lean();
  // A manager learns nothing about departments outside their stores, not even that one exists.
  const outside = AuthorizationError("regionId: 该区域没有您管辖的门店");
  if (!region) {
    throw isManager(actor) ? outside : new AppError(404, "not_found", "regionId: 该区域不存在");
  }
  if (region.parentId === null || region.parentId === 0) {
    throw ValidationError("regionId: 这是企业的根部门，不是区域；催办全公司请用 scope: company");
  }
  const stores = await storesOfRegion(regionId);
  if (!isManager(actor)) {
    return { stores, cut: false };
  }
  const mine = stores.filter((storeId) => actor.scopeStoreIds.includes(storeId));
  if (mine.length === 0) {
    throw outside;
  }
  return { stores: mine, cut: mine.length < stores.length };
}

/**
 * @param actor who reminds (an admin or a manager: the route asked the area first).
 * @param selector the store, region, company or guides.
 * @returns the guides in scope and whether a manager's cut left some of the region out.
 * @throws 403 outside a manager's stores (the company is headquarters' alone), 404 for a region
 *   that does not exist, 400 for the root department.
 */
export async function remindScope(actor: Actor, selector: RemindSelector): Promise<RemindScope> {
  if (selector.userIds) {
    // Each picked guide must exist and, for a manager, sit in one of their stores.
    const userIds = [...new Set(selector.userIds)];
    const stores = await Promise.all(userIds.map((userId) => storeOfGuide(userId)));
    if (stores.some((store) => store === undefined || (isManager(actor) && (store === null || !actor.scopeStoreIds.includes(store))))) {
      throw AuthorizationError("userIds: 有导购不存在或不在您的管辖范围");
    }
    return { storeOf: new Map(userIds.map((userId, index) => [userId, stores[index] ?? null])), cut: false };
  }
  if (selector.scope === "company") {
    if (isManager(actor)) {
      throw AuthorizationError("scope: 全公司催办仅总部可用，请按门店催办");
    }
    return { storeOf: await guidesOf(null), cut: false };
  }
  if (selector.regionId !== undefined) {
    const { stores, cut } = await regionStores(actor, selector.regionId);
    return { storeOf: await guidesOf(stores), cut };
  }
  assertStoreInScope(actor, selector.storeId ?? null);
  return { storeOf: await guidesOf([selector.storeId ?? ""]), cut: false };
}
