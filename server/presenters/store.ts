import type { DepartmentAttrs } from "../models/Department.ts";

export interface PresentedStore {
  /** The WeCom department id, as a string (stores travel as strings everywhere). */
  id: string;
  name: string;
  parentId: string | null;
  employeeCount: number;
}

/**
 * A store (a WeCom department) with how many employees it has.
 *
 * @param department the stored department.
 * @param employeeCount employees in it.
 * @returns the public shape.
 */
export function presentStore(department: DepartmentAttrs, employeeCount: number): PresentedStore {
  return {
    id: String(department.departmentId),
    name: department.name,
    // WeCom's root department has parent 0, i.e. none.
    parentId: department.parentId ? String(department.parentId) : null,
    employeeCount,
  };
}

/**
 * @param counts how many departments and employees WeCom listed.
 * @returns the answer of a directory sync.
 */
export function presentDirectorySync(counts: { departments: number; employees: number }): { departments: number; employees: number } {
  return { departments: counts.departments, employees: counts.employees };
}
