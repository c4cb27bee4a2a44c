import { Department } from "../models/Department.ts";
import { Employee } from "../models/Employee.ts";

/** The publishers as the operator chose them. */
export interface MomentPublisherChoice {
  departmentIds: number[];
  userIds: string[];
}

/**
 * The departments chosen and every department under them (a region takes its stores).
 *
 * @param roots the chosen departments.
 * @returns their ids and their descendants'.
 */
async function withDescendants(roots: number[]): Promise<number[]> {
  const all = new Set(roots);
  let frontier = roots;
  // The tree is a few levels deep (brand → region → store); one query per level.
  while (frontier.length > 0) {
    const children = await Department.find({ parentId: { $in: frontier }, deleted: { $ne: true } }, { departmentId: 1 }).lean();
    frontier = children.map((child) => child.departmentId).filter((id) => !all.has(id));
    frontier.forEach((id) => all.add(id));
  }
  return [...all];
}

/**
 * The guides who publish a moment now: members of the chosen departments (and below) and the
 * guides chosen by name, if they still work here and are active in WeCom.
 *
 * @param choice departments and guides.
 * @returns their userIds, sorted, each once.
 */
export async function resolveMomentPublishers(choice: MomentPublisherChoice): Promise<string[]> {
  const departments = choice.departmentIds.length > 0 ? await withDescendants(choice.departmentIds) : [];
  const or: Record<string, unknown>[] = [];
  if (departments.length > 0) {
    or.push({ departmentIds: { $in: departments } });
  }
  if (choice.userIds.length > 0) {
    or.push({ userId: { $in: choice.userIds } });
  }
  if (or.length === 0) {
    return [];
  }
  const employees = await Employee.find({ $or: or, deleted: { $ne: true }, wecomStatus: 1 }, { userId: 1 }).lean();
  return [...new Set(employees.map((employee) => employee.userId))].sort();
}
