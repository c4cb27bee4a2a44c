// What the demo reads of the product (it writes nothing there directly): whether its event
// processor has caught up, whether the directory has reached it, and what it holds at the end.
import { currentProgram } from "../../commands/programStore.ts";
import { Customer } from "../../models/Customer.ts";
import { Employee } from "../../models/Employee.ts";
import { EventLane } from "../../models/EventLane.ts";
import { Member } from "../../models/Member.ts";
import { Order } from "../../models/Order.ts";
import { waitFor } from "../../utils/async.ts";

/** What the product holds after the demo. */
export interface ProductCounts {
  customers: number;
  members: number;
  orders: number;
  /** Members per level, by the level's name (普通会员 …), in the programme's order. */
  levels: Record<string, number>;
}

/**
 * Wait until the product's event processor has worked through every queued callback (no lane
 * left), or the timeout.
 *
 * @param timeoutMs how long to wait.
 * @returns the lanes still queued (0 when all was processed).
 */
export async function waitForProduct(timeoutMs: number): Promise<number> {
  let lanes = 0;
  await waitFor(async () => {
    lanes = await EventLane.countDocuments();
    return lanes === 0;
  }, { timeoutMs });
  return lanes;
}

/**
 * @param userIds employees the directory callbacks create.
 * @param timeoutMs how long to wait for them.
 * @returns each one's console role, once all exist or the time is up (the missing ones absent).
 */
export async function employeeRoles(userIds: string[], timeoutMs: number): Promise<Map<string, string>> {
  await waitFor(async () => (await Employee.countDocuments({ userId: { $in: userIds } })) === userIds.length, { timeoutMs });
  const employees = await Employee.find({ userId: { $in: userIds } }, { userId: 1, role: 1 }).lean();
  return new Map(employees.map((employee) => [employee.userId, employee.role ?? "guide"]));
}

/** @returns the product's customers, members (by level name) and orders. */
export async function productCounts(): Promise<ProductCounts> {
  const [customers, members, orders, levels, { program }] = await Promise.all([
    Customer.countDocuments(),
    Member.countDocuments({ mergedInto: null }),
    Order.countDocuments(),
    Member.aggregate<{ _id: string; count: number }>([{ $match: { mergedInto: null } }, { $group: { _id: "$levelCode", count: { $sum: 1 } } }]),
    currentProgram(),
  ]);
  // People read the summary, so levels go by name; a code the programme no longer has stays a code.
  const byCode = new Map(levels.map((level) => [level._id, level.count]));
  const named = program.levels.filter((level) => byCode.has(level.code)).map((level) => [level.name, byCode.get(level.code) ?? 0] as const);
  const unknown = levels.filter((level) => !program.levels.some((known) => known.code === level._id)).map((level) => [level._id, level.count] as const);
  return { customers, members, orders, levels: Object.fromEntries([...named, ...unknown]) };
}
