// The completion days the dashboards read, kept decoded in this process and checked against the
// database's version on every read: a view asks for the versions of its days (small), and reads in
// full only the days that changed since. Past days rarely change, so a quarter's view mostly costs
// the version read. Never stale: a day is used only at the version the database has now (or a
// newer one read since), and `born` (stamped at insert) tells a day deleted and made again apart.
import type { Document } from "mongodb";
import type { CompletionFigures } from "../domain/tasks.ts";
import { CompletionDay } from "../models/CompletionDay.ts";
import { unpackFigures, type ChildSnapshot } from "../domain/completionSnapshots.ts";

/** A day document, decoded. */
export interface CachedDay {
  _id: string;
  ownerId: string;
  day: string;
  version: number;
  born?: string;
  figures: Partial<CompletionFigures>;
  /** The children's keys and figures. */
  children: [string, CompletionFigures][];
}

// About 1 kB a day of a store (its guides); a quarter of every region and a few hundred stores.
const MAX_DAYS = 30_000;
const cache = new Map<string, CachedDay>();

function remember(day: CachedDay): void {
  cache.delete(day._id);
  cache.set(day._id, day);
  if (cache.size > MAX_DAYS) {
    // A Map iterates in insertion order: the first key is the least recently read.
    cache.delete(cache.keys().next().value as string);
  }
}

/**
 * @param ids day documents' ids.
 * @returns those that exist, as the database holds them now.
 */
export async function readDays(ids: string[]): Promise<CachedDay[]> {
  if (ids.length === 0) {
    return [];
  }
  const versions = (await CompletionDay.collection.find({ _id: { $in: ids } } as Document, { projection: { version: 1, born: 1 } }).toArray()) as unknown as { _id: string; version: number; born?: string }[];
  const fresh = (entry: { _id: string; version: number; born?: string }) => {
    const cached = cache.get(entry._id);
    return cached !== undefined && cached.version === entry.version && cached.born === entry.born;
  };
  const stale = versions.filter((entry) => !fresh(entry)).map((entry) => entry._id);
  if (stale.length > 0) {
    const docs = (await CompletionDay.collection.find({ _id: { $in: stale } } as Document, { projection: { keys: 0 } }).toArray()) as unknown as (Omit<CachedDay, "children"> & { children?: Record<string, ChildSnapshot> })[];
    for (const doc of docs) {
      remember({ _id: doc._id, ownerId: doc.ownerId, day: doc.day, version: doc.version, born: doc.born, figures: doc.figures, children: Object.entries(doc.children ?? {}).map(([key, child]) => [key, unpackFigures(child.f)]) });
    }
  }
  return versions.flatMap((entry) => {
    const day = cache.get(entry._id);
    if (day) {
      remember(day);
    }
    return day ? [day] : [];
  });
}
