// The first admin of a fresh installation, made once whichever way it comes: the SCRM_API_TOKEN
// bootstrap, the sandbox's first console login, or a development login on an empty directory.
import { isDuplicateKeyError } from "../db/duplicates.ts";
import { Counter } from "../models/Counter.ts";
import { Employee, type Role } from "../models/Employee.ts";

const BOOTSTRAP_MARK = "admin_bootstrap";

/**
 * @returns whether the first admin may still be made (no admin, never bootstrapped).
 */
export async function firstAdminOpen(): Promise<boolean> {
  return !(await Counter.exists({ _id: BOOTSTRAP_MARK })) && !(await Employee.exists({ role: "admin" }));
}

/**
 * Make the employee the first admin, once: the unique mark is created by exactly one caller, so
 * concurrent requests never make two admins.
 *
 * @param props the employee, and their name when they are new to the directory.
 * @returns true for the one caller that became the first admin.
 */
export async function provisionFirstAdmin(props: { userId: string; name?: string }): Promise<boolean> {
  if (await Employee.exists({ role: "admin" })) {
    return false;
  }
  try {
    await Counter.create({ _id: BOOTSTRAP_MARK, value: 1 });
  } catch (error) {
    if (isDuplicateKeyError(error)) {
      return false;
    }
    throw error;
  }
  await Employee.updateOne({ userId: props.userId }, { $set: { role: "admin", scopeStoreIds: [] }, $setOnInsert: { name: props.name ?? props.userId } }, { upsert: true });
  return true;
}

/**
 * A development login's employee: the first one on an empty directory sets it up as admin, the
 * rest start as guides; an employee already in the directory keeps their role.
 *
 * @param userId who logs in.
 * @returns their role, or null when the employee left.
 */
export async function provisionDevEmployee(userId: string): Promise<Role | null> {
  const employee = await Employee.findOne({ userId }, { role: 1, deleted: 1 }).lean();
  if (employee?.deleted) {
    return null;
  }
  if (employee) {
    return employee.role ?? "guide";
  }
  if (await provisionFirstAdmin({ userId })) {
    return "admin";
  }
  try {
    await Employee.updateOne({ userId }, { $setOnInsert: { name: userId, role: "guide" } }, { upsert: true });
  } catch (error) {
    // Two first logins of one employee race on the upsert; the loser's write is the winner's.
    if (!isDuplicateKeyError(error)) {
      throw error;
    }
  }
  return (await Employee.findOne({ userId }, { role: 1 }).lean())?.role ?? "guide";
}
