import { Customer } from "../models/Customer.ts";
import { Employee } from "../models/Employee.ts";
import { Member } from "../models/Member.ts";
import type { TaskAttrs } from "../models/Task.ts";
import { currentProgram } from "./programStore.ts";

/** The names a list of tasks mentions; the shape server/presenters/task.ts (TaskNames) takes. */
export interface TaskNameBook {
  customers: Map<string, { name: string; avatar: string }>;
  guides: Map<string, string>;
  levels: Map<string, string>;
  members: Map<string, string>;
}

const unique = (values: (string | null | undefined)[]) => [...new Set(values.filter((value): value is string => Boolean(value)))];

/**
 * One query per collection for a whole list, never one per task.
 *
 * @param tasks the tasks to name.
 * @returns customers, guides, members' names and members' level names by id.
 */
export default async function taskNames(tasks: Pick<TaskAttrs, "externalUserId" | "userId" | "memberId">[]): Promise<TaskNameBook> {
  const externalUserIds = unique(tasks.map((task) => task.externalUserId));
  const userIds = unique(tasks.map((task) => task.userId));
  const memberIds = unique(tasks.map((task) => task.memberId)).filter((id) => /^[0-9a-f]{24}$/.test(id));
  const [customers, employees, members, { program }] = await Promise.all([
    externalUserIds.length ? Customer.find({ externalUserId: { $in: externalUserIds } }, { externalUserId: 1, name: 1, avatar: 1 }).lean() : [],
    userIds.length ? Employee.find({ userId: { $in: userIds } }, { userId: 1, name: 1 }).lean() : [],
    memberIds.length ? Member.find({ _id: { $in: memberIds } }, { name: 1, levelCode: 1 }).lean() : [],
    currentProgram(),
  ]);
  const levelNames = new Map(program.levels.map((level) => [level.code, level.name]));
  return {
    customers: new Map(customers.map((customer) => [customer.externalUserId, { name: customer.name ?? "", avatar: customer.avatar ?? "" }])),
    guides: new Map(employees.map((employee) => [employee.userId, employee.name ?? ""])),
    levels: new Map(members.map((member) => [String(member._id), levelNames.get(member.levelCode) ?? member.levelCode])),
    members: new Map(members.map((member) => [String(member._id), member.name ?? ""])),
  };
}
