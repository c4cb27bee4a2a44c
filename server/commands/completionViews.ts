// What the completion dashboards read: one rollup document per level and day (by key), summed
// over the period, with the children each holds. Never the tasks or campaign guides themselves.
import { COMPLETION_COUNTERS, type CompletionFigures } from "../domain/tasks.ts";
import { completionDayId, type CompletionLevel } from "../models/CompletionDay.ts";
import { Department } from "../models/Department.ts";
import { Employee } from "../models/Employee.ts";
import { readDays } from "./completionDayCache.ts";
import { parseChildKey, zeroFigures } from "../domain/completionSnapshots.ts";

/** The longest period a view reads (a quarter): 92 documents per level. */
export const MAX_PERIOD_DAYS = 92;

/** A level's figures over a period. */
export interface CompletionRead {
  total: CompletionFigures;
  /** Every day of the period, in order (zeros where nothing happened). */
  trend: { day: string; figures: CompletionFigures }[];
  /** The children over the period, by level and id. */
  children: { level: CompletionLevel; ownerId: string; figures: CompletionFigures }[];
}

function add(into: CompletionFigures, figures: Partial<CompletionFigures> | undefined): CompletionFigures {
  for (const counter of COMPLETION_COUNTERS) {
    into[counter] += figures?.[counter] ?? 0;
  }
  return into;
}

/**
 * Sum figures.
 *
 * @param list figures to add up.
 * @returns their sum.
 */
export function sumFigures(list: (Partial<CompletionFigures> | undefined)[]): CompletionFigures {
  return list.reduce<CompletionFigures>((total, figures) => add(total, figures), zeroFigures());
}

/**
 * Read the day documents of some owners of one level over a period: one read by key per call
 * (the documents' ids), so a view reads a document per owner and day, whatever the data.
 *
 * @param level guide, store, region or all.
 * @param ownerIds the owners (summed together, as a manager's stores are).
 * @param days the period's days.
 * @returns the sum, the trend per day and the children's sums.
 */
export async function readCompletion(level: CompletionLevel, ownerIds: string[], days: string[]): Promise<CompletionRead> {
  const ids = ownerIds.flatMap((ownerId) => days.map((day) => completionDayId(level, ownerId, day)));
  const byDay = new Map<string, CompletionFigures>();
  const children = new Map<string, CompletionFigures>();
  for (const doc of await readDays(ids)) {
    byDay.set(doc.day, add(byDay.get(doc.day) ?? zeroFigures(), doc.figures));
    for (const [key, figures] of doc.children) {
      children.set(key, add(children.get(key) ?? zeroFigures(), figures));
    }
  }
  const trend = days.map((day) => ({ day, figures: byDay.get(day) ?? zeroFigures() }));
  return {
    total: sumFigures(trend.map((point) => point.figures)),
    trend,
    children: [...children.entries()].map(([key, figures]) => {
      const { level, ownerId } = parseChildKey(key);
      return { level: level as CompletionLevel, ownerId, figures };
    }),
  };
}

/**
 * Each owner's sum over a period (a manager's stores side by side).
 *
 * @returns owner id → figures.
 */
export async function readEach(level: CompletionLevel, ownerIds: string[], days: string[]): Promise<Map<string, CompletionFigures>> {
  const ids = ownerIds.flatMap((ownerId) => days.map((day) => completionDayId(level, ownerId, day)));
  const each = new Map(ownerIds.map((ownerId) => [ownerId, zeroFigures()]));
  for (const doc of await readDays(ids)) {
    add(each.get(doc.ownerId) ?? zeroFigures(), doc.figures);
  }
  return each;
}

/** Where a store sits. */
export interface StorePlace {
  storeId: string;
  regionId: string | null;
}

/**
 * A store's region: its parent department, unless that is the corp's root.
 *
 * @param storeId the store's department id.
 * @returns the store and region, or null for a department that does not exist.
 */
export async function storePlace(storeId: string): Promise<StorePlace | null> {
  const store = await Department.findOne({ departmentId: Number(storeId) }, { parentId: 1 }).lean();
  if (!store) {
    return null;
  }
  const parent = typeof store.parentId === "number" && store.parentId !== 0 ? await Department.findOne({ departmentId: store.parentId }, { parentId: 1 }).lean() : null;
  return { storeId, regionId: parent && parent.parentId !== null && parent.parentId !== 0 ? String(store.parentId) : null };
}

/**
 * @param regionId a region's department id.
 * @returns its stores (the departments right under it).
 */
export async function storesOfRegion(regionId: string): Promise<string[]> {
  const stores = await Department.find({ parentId: Number(regionId), deleted: { $ne: true } }, { departmentId: 1 }).lean();
  return stores.map((store) => String(store.departmentId));
}

/**
 * @param storeId a store.
 * @returns the guides whose main department it is (who have left stay in the figures, not here;
 *   a manager shows only when they counted something themselves).
 */
export async function guidesOfStore(storeId: string): Promise<string[]> {
  const guides = await Employee.find({ mainDepartmentId: Number(storeId), role: "guide", deleted: { $ne: true } }, { userId: 1 }).lean();
  return guides.map((guide) => guide.userId);
}

/**
 * A guide's store, as the directory says now.
 *
 * @param userId the guide.
 * @returns the store id, null without one, or undefined for someone not in the directory.
 */
export async function storeOfGuide(userId: string): Promise<string | null | undefined> {
  const employee = await Employee.findOne({ userId }, { mainDepartmentId: 1, departmentIds: 1 }).lean();
  if (!employee) {
    return undefined;
  }
  const store = employee.mainDepartmentId ?? employee.departmentIds[0] ?? null;
  return store !== null ? String(store) : null;
}
