import { ConflictError, NotFoundError, ValidationError } from "../errors.ts";
import { Department } from "../models/Department.ts";
import { Employee, type EmployeeAttrs, type Role } from "../models/Employee.ts";
import { RoleChange } from "../models/RoleChange.ts";

interface Props {
  userId: string;
  role: Role;
  /** A manager's stores (department ids as strings); empty for other roles. */
  scopeStoreIds: string[];
  /** The admin's userId, or "api_token". */
  changedBy: string;
  now: Date;
}

const LAST_ADMIN = "role: 不能撤销最后一位管理员，请先指定另一位管理员";

const otherAdmins = (userId: string) => Employee.countDocuments({ role: "admin", deleted: false, userId: { $ne: userId } });

/**
 * Give an employee a console role (and a manager their stores), and record who did it.
 * There is always at least one admin left: demoting the last one is refused.
 *
 * @param props the employee, the new role and scope, who changes it and the clock.
 * @returns the stored employee after the change.
 * @throws 404 for an unknown (or deleted) employee; 400 naming scopeStoreIds when a store does
 *   not exist; 409 when the last admin would be demoted.
 */
export default async function roleAssigner({ userId, role, scopeStoreIds, changedBy, now }: Props): Promise<EmployeeAttrs> {
  const employee = await Employee.findOne({ userId, deleted: false }).lean();
  if (!employee) {
    throw NotFoundError("employee");
  }
  if (scopeStoreIds.length > 0) {
    const found = await Department.find({ departmentId: { $in: scopeStoreIds.map(Number) }, deleted: false }, { departmentId: 1 }).lean();
    const known = new Set(found.map((department) => String(department.departmentId)));
    const missing = scopeStoreIds.filter((id) => !known.has(id));
    if (missing.length > 0) {
      throw ValidationError(`scopeStoreIds: 门店 ${missing.join(", ")} 不存在`);
    }
  }
  const demotesAdmin = employee.role === "admin" && role !== "admin";
  if (demotesAdmin && (await otherAdmins(userId)) === 0) {
    throw ConflictError(LAST_ADMIN);
  }
  const updated = await Employee.findOneAndUpdate({ userId }, { $set: { role, scopeStoreIds } }, { returnDocument: "after" }).lean();
  // Two admins demoting each other at once both pass the check above; whoever sees no admin
  // left afterwards puts its employee back, so the corp never stays without one.
  if (demotesAdmin && (await Employee.countDocuments({ role: "admin", deleted: false })) === 0) {
    await Employee.updateOne({ userId }, { $set: { role: employee.role, scopeStoreIds: employee.scopeStoreIds } });
    throw ConflictError(LAST_ADMIN);
  }
  if (!updated) {
    throw NotFoundError("employee");
  }
  await RoleChange.create({
    userId,
    fromRole: employee.role,
    fromScopeStoreIds: employee.scopeStoreIds,
    toRole: role,
    toScopeStoreIds: scopeStoreIds,
    changedBy,
    changedAt: now,
  });
  return updated;
}
