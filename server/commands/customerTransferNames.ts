import type { TransferNames } from "../domain/transferNames.ts";
import { Customer } from "../models/Customer.ts";
import { Department } from "../models/Department.ts";
import { Employee } from "../models/Employee.ts";
import { Group } from "../models/Group.ts";

/**
 * The names a page of transfers shows, read in four queries by key.
 *
 * @param ids the employees, customers, groups and stores on the page.
 * @returns lookups falling back to the id.
 */

export async function transferNames(ids: { employees: string[]; customers: string[]; groups: string[]; stores: (string | null)[] }): Promise<TransferNames> {
  const [employees, customers, groups, stores] = await Promise.all([
    Employee.find({ userId: { $in: ids.employees } }, { userId: 1, name: 1 }).lean(),
    Customer.find({ externalUserId: { $in: ids.customers } }, { externalUserId: 1, name: 1 }).lean(),
    Group.find({ chatId: { $in: ids.groups } }, { chatId: 1, name: 1 }).lean(),
    Department.find({ departmentId: { $in: ids.stores.filter((id): id is string => id !== null).map(Number) } }, { departmentId: 1, name: 1 }).lean(),
  ]);
  const by = <T,>(rows: T[], key: (row: T) => string, name: (row: T) => string) => new Map(rows.map((row) => [key(row), name(row)]));
  const employeeNames = by(employees, (row) => row.userId, (row) => row.name);
  const customerNames = by(customers, (row) => row.externalUserId, (row) => row.name);
  const groupNames = by(groups, (row) => row.chatId, (row) => row.name);
  const storeNames = by(stores, (row) => String(row.departmentId), (row) => row.name);
  return {
    employee: (userId) => employeeNames.get(userId) || userId,
    customer: (externalUserId) => customerNames.get(externalUserId) || externalUserId,
    group: (chatId) => groupNames.get(chatId) || "未命名客户群",
    store: (storeId) => (storeId === null ? "未分配门店" : storeNames.get(storeId) || storeId),
  };
}
