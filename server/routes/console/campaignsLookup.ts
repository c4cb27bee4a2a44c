// Names the completion routes show: campaigns (from the kind's own model), guides and stores.
import type { CampaignKind } from "../../models/CampaignGuide.ts";
import { Department } from "../../models/Department.ts";
import { Employee } from "../../models/Employee.ts";
import { MassMessage } from "../../models/MassMessage.ts";
import { Moment } from "../../models/Moment.ts";

/** Each kind's campaigns: a mass message has a name; a moment is named by its text's start. */
const LOOKUPS: Record<CampaignKind, (ids: string[]) => Promise<[string, string][]>> = {
  moment: async (ids) => (await Moment.find({ _id: { $in: ids } }, { text: 1 }).lean()).map((moment) => [String(moment._id), shortName(moment.text) || "（无文字的朋友圈）"]),
  mass: async (ids) => (await MassMessage.find({ _id: { $in: ids } }, { name: 1 }).lean()).map((message) => [String(message._id), shortName(message.name) || "群发"]),
};

const shortName = (text: string | null | undefined): string => {
  const line = (text ?? "").trim().split("\n")[0] ?? "";
  const chars = [...line];
  return chars.length > 30 ? `${chars.slice(0, 30).join("")}…` : line;
};

/**
 * Campaigns' names by id.
 *
 * @param kind moment or mass.
 * @param ids campaign ids.
 * @returns names of the campaigns that exist.
 */
export async function campaignNames(kind: CampaignKind, ids: string[]): Promise<Map<string, string>> {
  const valid = [...new Set(ids)].filter((id) => /^[0-9a-f]{24}$/i.test(id));
  return new Map(valid.length > 0 ? await LOOKUPS[kind](valid) : []);
}

/**
 * @param userIds guides.
 * @returns their names.
 */
export async function guideNames(userIds: string[]): Promise<Map<string, string>> {
  const employees = await Employee.find({ userId: { $in: [...new Set(userIds)] } }, { userId: 1, name: 1 }).lean();
  return new Map(employees.map((employee) => [employee.userId, employee.name || employee.userId]));
}

/**
 * @param departmentIds stores or regions (department ids as strings).
 * @returns their names.
 */
export async function departmentNames(departmentIds: (string | null | undefined)[]): Promise<Map<string, string>> {
  const ids = [...new Set(departmentIds.filter((id): id is string => Boolean(id)).map(Number).filter(Number.isInteger))];
  const departments = await Department.find({ departmentId: { $in: ids } }, { departmentId: 1, name: 1 }).lean();
  return new Map(departments.map((department) => [String(department.departmentId), department.name]));
}
