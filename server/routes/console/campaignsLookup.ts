// Names the completion routes show: campaigns (read from the kind's own model), guides and stores.
import mongoose from "mongoose";
import { CampaignGuide, type CampaignKind } from "../../models/CampaignGuide.ts";
import { Department } from "../../models/Department.ts";
import { Employee } from "../../models/Employee.ts";

/** The model each kind's campaigns live in, and the field that names one. */
const CAMPAIGN_MODELS: Record<CampaignKind, { model: string; fields: string[]; fallback: string }> = {
  moment: { model: "Moment", fields: ["name", "title", "text"], fallback: "朋友圈" },
  mass: { model: "MassMessage", fields: ["name", "title", "text"], fallback: "群发" },
};

const nameOf = (document: Record<string, unknown>, fields: string[]): string | null => {
  for (const field of fields) {
    const value = document[field];
    if (typeof value === "string" && value.trim() !== "") {
      return [...value.trim()].slice(0, 40).join("");
    }
  }
  return null;
};

/**
 * Campaigns' names by id. A campaign known only by its guides (its model not loaded) is named by its kind.
 *
 * @param kind moment or mass.
 * @param ids campaign ids.
 * @returns names of the campaigns that exist.
 */
export async function campaignNames(kind: CampaignKind, ids: string[]): Promise<Map<string, string>> {
  const { model, fields, fallback } = CAMPAIGN_MODELS[kind];
  const names = new Map<string, string>();
  const Model = mongoose.models[model];
  const objectIds = ids.filter((id) => mongoose.isValidObjectId(id));
  if (Model && objectIds.length > 0) {
    const documents = (await Model.find({ _id: { $in: objectIds } }).select(Object.fromEntries(fields.map((field) => [field, 1]))).lean()) as unknown as (Record<string, unknown> & { _id: unknown })[];
    for (const document of documents) {
      names.set(String(document._id), nameOf(document, fields) ?? fallback);
    }
  }
  const missing = ids.filter((id) => !names.has(id));
  if (missing.length > 0) {
    const known = await CampaignGuide.distinct("campaignId", { kind, campaignId: { $in: missing } });
    for (const id of known) {
      names.set(String(id), names.get(String(id)) ?? fallback);
    }
  }
  return names;
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
