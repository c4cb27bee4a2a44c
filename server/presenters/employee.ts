import type { EmployeeAttrs, Role } from "../models/Employee.ts";

export interface PresentedEmployee {
  userId: string;
  name: string;
  position: string;
  /** Departments the employee belongs to (department ids as strings). */
  storeIds: string[];
  /** Their names, in the order of storeIds ("" for a department we do not know). */
  storeNames: string[];
  role: Role;
  /** For a manager: the stores they run. */
  scopeStoreIds: string[];
  /** WeCom member status: 1 active, 2 disabled, 4 not activated, 5 left. */
  status: number;
}

/**
 * An employee for the console's organisation page.
 *
 * @param employee the stored employee.
 * @param departmentNames names of departments by id (at least those the employee is in).
 * @returns the public shape.
 */
export function presentEmployee(employee: EmployeeAttrs, departmentNames: ReadonlyMap<number, string>): PresentedEmployee {
  return {
    userId: employee.userId,
    name: employee.name,
    position: employee.position,
    storeIds: employee.departmentIds.map(String),
    storeNames: employee.departmentIds.map((id) => departmentNames.get(id) ?? ""),
    role: employee.role,
    scopeStoreIds: employee.scopeStoreIds,
    status: employee.wecomStatus,
  };
}
