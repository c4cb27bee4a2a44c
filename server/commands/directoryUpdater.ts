import { isDuplicateKeyError } from "../db/duplicates.ts";
import { Department } from "../models/Department.ts";
import { Employee } from "../models/Employee.ts";
import type { ContactEvent } from "../wecom/callbackEvent.ts";
import userIdRenamer from "./userIdRenamer.ts";

interface Props {
  event: ContactEvent;
}

const numberList = (value?: string) =>
  (value ?? "")
    .split(",")
    .map((part) => part.trim())
    .filter((part) => /^\d+$/.test(part))
    .map(Number);

/**
 * Keep employees and departments current from change_contact events. update_user carries only
 * what changed, so only the fields present are written.
 *
 * @param props the directory event.
 * @returns nothing.
 */
export default async function directoryUpdater({ event }: Props): Promise<void> {
  switch (event.ChangeType) {
    case "create_user":
    case "update_user":
      return upsertEmployee(event);
    case "delete_user":
      if (event.UserID) {
        await Employee.updateOne({ userId: event.UserID }, { $set: { deleted: true } }, { upsert: true });
      }
      return;
    case "create_party":
    case "update_party":
      return upsertDepartment(event);
    case "delete_party":
      if (event.Id) {
        await Department.updateOne({ departmentId: Number(event.Id) }, { $set: { deleted: true } }, { upsert: true });
      }
      return;
    case "update_tag":
      // Directory tags (通讯录标签) are not customer tags; nothing we keep depends on them.
      return;
  }
}

async function upsertEmployee(event: ContactEvent): Promise<void> {
  if (!event.UserID) {
    return;
  }
  const set: Record<string, unknown> = { deleted: false };
  if (event.Name !== undefined) {
    set.name = event.Name;
  }
  if (event.Department !== undefined) {
    set.departmentIds = numberList(event.Department);
  }
  if (event.MainDepartment !== undefined) {
    set.mainDepartmentId = numberList(event.MainDepartment)[0] ?? null;
  }
  if (event.Position !== undefined) {
    set.position = event.Position;
  }
  if (event.Alias !== undefined) {
    set.alias = event.Alias;
  }
  if (event.Status !== undefined && /^\d+$/.test(event.Status)) {
    set.wecomStatus = Number(event.Status);
  }
  const newUserId = event.NewUserID && event.NewUserID !== event.UserID ? event.NewUserID : undefined;
  if (newUserId) {
    // A renamed userid must not orphan the employee's customers and groups; the rename may run
    // more than once, so it merges into what the new userid already has.
    await userIdRenamer({ from: event.UserID, to: newUserId });
  }
  const userId = newUserId ?? event.UserID;
  try {
    await Employee.updateOne({ userId }, { $set: set }, { upsert: true });
  } catch (error) {
    // Two upserts of one new employee raced: the other inserted it, this one updates it.
    if (!isDuplicateKeyError(error)) {
      throw error;
    }
    await Employee.updateOne({ userId }, { $set: set });
  }
}

async function upsertDepartment(event: ContactEvent): Promise<void> {
  if (!event.Id || !/^\d+$/.test(event.Id)) {
    return;
  }
  const set: Record<string, unknown> = { deleted: false };
  if (event.Name !== undefined) {
    set.name = event.Name;
  }
  if (event.ParentId !== undefined && /^\d+$/.test(event.ParentId)) {
    set.parentId = Number(event.ParentId);
  }
  if (event.Order !== undefined && /^\d+$/.test(event.Order)) {
    set.order = Number(event.Order);
  }
  await Department.updateOne({ departmentId: Number(event.Id) }, { $set: set }, { upsert: true });
}
