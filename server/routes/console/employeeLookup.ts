import { Department } from "../../models/Department.ts";
import type { EmployeeAttrs } from "../../models/Employee.ts";
import { presentEmployee, type PresentedEmployee } from "../../presenters/employee.ts";

/**
 * Present employees with the names of their departments, read in one query.
 *
 * @param employees stored employees.
 * @returns their public shapes, in the same order.
 */
export async function presentEmployees(employees: EmployeeAttrs[]): Promise<PresentedEmployee[]> {
  const ids = [...new Set(employees.flatMap((employee) => employee.departmentIds))];
  const departments = ids.length > 0 ? await Department.find({ departmentId: { $in: ids } }, { departmentId: 1, name: 1 }).lean() : [];
  const names = new Map(departments.map((department) => [department.departmentId, department.name]));
  return employees.map((employee) => presentEmployee(employee, names));
}
