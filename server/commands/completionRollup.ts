// The completion rollups: a guide's day moved once per fact, and every level above (store, region,
// the company) kept exact by children snapshots compared by version. See models/CompletionDay.ts
// and docs/completion-dashboards.md.
import { randomUUID } from "node:crypto";
import type { Document } from "mongodb";
import { insertNew, isDuplicateKeyError } from "../db/duplicates.ts";
import { COMPLETION_COUNTERS, type CompletionFigures } from "../domain/tasks.ts";
import { CompletionDay, completionDayId, type CompletionLevel } from "../models/CompletionDay.ts";
import { mapLimit } from "../utils/async.ts";
import { keyedBatcher } from "../utils/keyedBatcher.ts";
import { childKey, packFigures, unpackFigures, zeroFigures, type ChildSnapshot } from "../domain/completionSnapshots.ts";

/** One thing that happened for a guide on a day, counted once per key. */
export interface CompletionFact {
  userId: string;
  storeId: string | null;
  regionId: string | null;
  /** China day YYYY-MM-DD the fact counts on. */
  day: string;
  /** What is being counted (a task's move, a campaign guide's move, a follow, a member). */
  key: string;
  inc: Partial<CompletionFigures>;
}

/** A day document as the rollups see it (no keys, no children). */
export interface CompletionDayState {
  _id: string;
  level: CompletionLevel;
  ownerId: string;
  day: string;
  storeId: string | null;
  regionId: string | null;
  figures: Partial<CompletionFigures>;
  version: number;
}

/** Set once when a day document is inserted: with the version it tells a cached copy from a document deleted and made again. */
const bornStamp = () => randomUUID().slice(0, 8);

const STATE_PROJECTION = { keys: 0, children: 0 } as const;
// Concurrent moves of siblings make a parent's conditional update fail; each failure means another
// move went through, so this only bounds a bug, never normal contention.
const MAX_ATTEMPTS = 1000;

function figureIncrements(inc: Partial<Record<string, number>>): Record<string, number> {
  const update: Record<string, number> = {};
  for (const [counter, value] of Object.entries(inc)) {
    if (!(COMPLETION_COUNTERS as readonly string[]).includes(counter) || typeof value !== "number" || !Number.isInteger(value)) {
      throw new Error(`unknown completion counter or non-integer count: ${counter}`);
    }
    if (value !== 0) {
      update[`figures.${counter}`] = value;
    }
  }
  return update;
}

const stateOf = (doc: CompletionDayState): CompletionDayState => ({ _id: doc._id, level: doc.level, ownerId: doc.ownerId, day: doc.day, storeId: doc.storeId, regionId: doc.regionId, figures: doc.figures, version: doc.version });

/** Where a day document's figures go up to: a guide under their store, a store under its region, a region under the company; no store or region skips the level. */
function parentOf(child: CompletionDayState): { level: CompletionLevel; ownerId: string; storeId: string | null; regionId: string | null } | null {
  if (child.level === "guide" && child.storeId) {
    return { level: "store", ownerId: child.storeId, storeId: child.storeId, regionId: child.regionId };
  }
  if ((child.level === "guide" || child.level === "store") && child.regionId) {
    return { level: "region", ownerId: child.regionId, storeId: null, regionId: child.regionId };
  }
  return child.level === "all" ? null : { level: "all", ownerId: "all", storeId: null, regionId: null };
}

/**
 * Take newer snapshots of children (all of one parent and day) into their parent, moving the
 * parent's figures by the differences, in one update conditional on the parent's version read
 * (`{ _id, version }`, a unique key the embedded database answers by index): a concurrent move of
 * a sibling makes it fail and it is tried again from a fresh read; a child whose stored snapshot is
 * as new or newer is left alone (someone newer propagated it). A parent not stored yet is inserted
 * whole; a concurrent insert makes that fail the same way.
 *
 * @param children day documents of one parent.
 * @returns the parent after the update, or null when nothing was newer (or there is no parent).
 */
async function takeSnapshots(children: CompletionDayState[]): Promise<CompletionDayState | null> {
  const first = children[0];
  const parent = first ? parentOf(first) : null;
  if (!first || !parent) {
    return null;
  }
  const _id = completionDayId(parent.level, parent.ownerId, first.day);
  const keys = children.map((child) => childKey(child.level, child.ownerId));
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
    const stored = await CompletionDay.collection.findOne<{ version: number; children?: Record<string, ChildSnapshot> }>({ _id } as Document, { projection: { version: 1, ...Object.fromEntries(keys.map((key) => [`children.${key}`, 1])) } });
    const set: Record<string, ChildSnapshot> = {};
    const diff = zeroFigures();
    children.forEach((child, index) => {
      const key = keys[index] as string;
      const snapshot = stored?.children?.[key];
      if (snapshot && snapshot.v >= child.version) {
        return;
      }
      set[key] = { f: packFigures(child.figures), v: child.version };
      const before = snapshot ? unpackFigures(snapshot.f) : null;
      for (const counter of COMPLETION_COUNTERS) {
        diff[counter] += (child.figures[counter] ?? 0) - (before?.[counter] ?? 0);
      }
    });
    if (Object.keys(set).length === 0) {
      return null;
    }
    if (!stored) {
      const fresh = { _id, level: parent.level, ownerId: parent.ownerId, day: first.day, storeId: parent.storeId, regionId: parent.regionId, figures: diff, version: 1, born: bornStamp(), keys: [], children: set };
      if (await insertOnce(fresh)) {
        return stateOf(fresh);
      }
      continue;
    }
    const inc = Object.fromEntries(COMPLETION_COUNTERS.filter((counter) => diff[counter] !== 0).map((counter) => [`figures.${counter}`, diff[counter]]));
    const updated = await CompletionDay.collection.findOneAndUpdate(
      { _id, version: stored.version } as Document,
      { $set: Object.fromEntries(Object.entries(set).map(([key, snapshot]) => [`children.${key}`, snapshot])), $inc: { ...inc, version: 1 } },
      { returnDocument: "after", projection: STATE_PROJECTION },
    );
    if (updated) {
      return updated as unknown as CompletionDayState;
    }
  }
  throw new Error(`completion rollup ${_id} kept changing under ${MAX_ATTEMPTS} attempts`);
}

/** Insert a day document; false when another process inserted it first. */
async function insertOnce(doc: Document): Promise<boolean> {
  try {
    await CompletionDay.collection.insertOne(doc);
    return true;
  } catch (error) {
    if (isDuplicateKeyError(error)) {
      return false;
    }
    throw error;
  }
}

// A process's concurrent moves of one parent (every fact reaches the company's day) go as one
// write at a time, each taking the newest snapshot of every child queued meanwhile.
const parentWrites = keyedBatcher<CompletionDayState, CompletionDayState | null>(async (_parentId, children) => {
  const newest = new Map<string, CompletionDayState>();
  for (const child of children) {
    const key = childKey(child.level, child.ownerId);
    const held = newest.get(key);
    if (!held || held.version < child.version) {
      newest.set(key, child);
    }
  }
  const parent = await takeSnapshots([...newest.values()]);
  return children.map(() => parent);
});

/** Carry a changed day document up to the company, level by level. */
async function propagate(changed: CompletionDayState): Promise<void> {
  let child: CompletionDayState | null = changed;
  while (child) {
    const parent = parentOf(child);
    child = parent ? await parentWrites(completionDayId(parent.level, parent.ownerId, child.day), child) : null;
  }
}

/**
 * Count facts of one guide's day (the same guide and day) whose keys the day does not hold yet,
 * in one update conditional on the version read (or an insert of the new day), tried again from a
 * fresh read when a concurrent move got there first.
 *
 * @param facts facts of one guide and day, each key once.
 * @returns the day after, and how many of the facts it counted now.
 */
async function countIntoGuideDay(facts: readonly CompletionFact[]): Promise<{ day: CompletionDayState; counted: Set<string> }> {
  const [first] = facts as [CompletionFact];
  const _id = completionDayId("guide", first.userId, first.day);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
    const stored = await CompletionDay.collection.findOne<CompletionDayState & { keys: string[] }>({ _id } as Document, { projection: { children: 0 } });
    const held = new Set(stored?.keys ?? []);
    const fresh = facts.filter((fact) => !held.has(fact.key));
    const inc = zeroFigures();
    for (const fact of fresh) {
      for (const [field, value] of Object.entries(figureIncrements(fact.inc))) {
        inc[field.slice("figures.".length) as keyof CompletionFigures] += value;
      }
    }
    if (!stored) {
      const day = { _id, level: "guide" as const, ownerId: first.userId, day: first.day, storeId: first.storeId, regionId: first.regionId, figures: inc, version: fresh.length, born: bornStamp(), keys: fresh.map((fact) => fact.key), children: {} };
      if (await insertOnce(day)) {
        return { day: stateOf(day), counted: new Set(fresh.map((fact) => fact.key)) };
      }
      continue;
    }
    if (fresh.length === 0) {
      return { day: stateOf(stored), counted: new Set() };
    }
    const moved = await CompletionDay.collection.findOneAndUpdate(
      { _id, version: stored.version } as Document,
      { $inc: { ...Object.fromEntries(COMPLETION_COUNTERS.filter((counter) => inc[counter] !== 0).map((counter) => [`figures.${counter}`, inc[counter]])), version: fresh.length }, $push: { keys: { $each: fresh.map((fact) => fact.key) } } } as Document,
      { returnDocument: "after", projection: STATE_PROJECTION },
    );
    if (moved) {
      return { day: moved as unknown as CompletionDayState, counted: new Set(fresh.map((fact) => fact.key)) };
    }
  }
  throw new Error(`completion rollup ${_id} kept changing under ${MAX_ATTEMPTS} attempts`);
}

/**
 * Count a fact into the guide's day, at most once per key, then carry the day up to the store, the
 * region and the company. Safe to call again: a repeated key counts nothing and still carries the
 * guide's day up, so a process that died between the guide's update and the levels above is
 * repaired by the next call (or by repropagateDay).
 *
 * @param fact the guide, their store and region at the time, the China day, the key and the counts.
 * @returns true when this call counted the fact, false when its key was counted before.
 */
export async function countCompletion(fact: CompletionFact): Promise<boolean> {
  figureIncrements(fact.inc);
  const { day, counted } = await guideDayWrites(completionDayId("guide", fact.userId, fact.day), fact);
  await propagate(day);
  return counted;
}

// A crowd of adds for one guide (a store code at an event) would otherwise be as many conditional
// updates of the guide's day racing each other: queued per day and written as one batch.
const guideDayWrites = keyedBatcher<CompletionFact, { day: CompletionDayState; counted: boolean }>(async (_dayId, facts) => {
  const firsts = new Map<string, CompletionFact>();
  for (const fact of facts) {
    if (!firsts.has(fact.key)) {
      firsts.set(fact.key, fact);
    }
  }
  const { day, counted } = await countIntoGuideDay([...firsts.values()]);
  // A key given twice in one batch counts for the first caller only, as two calls one after the other would.
  return facts.map((fact) => ({ day, counted: counted.delete(fact.key) }));
});

/**
 * Carry day documents of one level up one level, a parent at a time: a parent not stored yet is
 * inserted whole from its children (one write per parent, by key), one stored already takes the
 * newer snapshots by the conditional update.
 *
 * @returns the parents that changed.
 */
async function carryLevel(children: CompletionDayState[]): Promise<CompletionDayState[]> {
  const byParent = new Map<string, CompletionDayState[]>();
  for (const child of children) {
    const parent = parentOf(child);
    if (parent) {
      const id = completionDayId(parent.level, parent.ownerId, child.day);
      byParent.set(id, [...(byParent.get(id) ?? []), child]);
    }
  }
  const groups = [...byParent.entries()];
  const fresh = groups.map(([_id, siblings]) => {
    const first = siblings[0] as CompletionDayState;
    const parent = parentOf(first) as NonNullable<ReturnType<typeof parentOf>>;
    const figures = zeroFigures();
    for (const child of siblings) {
      for (const counter of COMPLETION_COUNTERS) {
        figures[counter] += child.figures[counter] ?? 0;
      }
    }
    const snapshots = Object.fromEntries(siblings.map((child): [string, ChildSnapshot] => [childKey(child.level, child.ownerId), { f: packFigures(child.figures), v: child.version }]));
    return { _id, level: parent.level, ownerId: parent.ownerId, day: first.day, storeId: parent.storeId, regionId: parent.regionId, figures, version: 1, born: bornStamp(), keys: [], children: snapshots };
  });
  const stored = await insertNew(CompletionDay.collection, fresh);
  const updated = await mapLimit(
    groups.filter((_group, index) => stored.has(index)),
    8,
    ([, siblings]) => takeSnapshots(siblings),
  );
  const inserted = fresh.filter((_doc, index) => !stored.has(index)).map(stateOf);
  return [...inserted, ...updated.filter((parent): parent is CompletionDayState => parent !== null)];
}

/**
 * The sweep behind countCompletion: carry every guide, store and region of a day up again, level
 * by level. Only what a crash left behind moves (a child's snapshot already as new is skipped), so
 * running it again, or beside live counting, changes nothing else.
 *
 * @param day China day YYYY-MM-DD.
 * @returns how many parents took a newer snapshot.
 */
export async function repropagateDay(day: string): Promise<number> {
  let repaired = 0;
  for (const level of ["guide", "store", "region"] as const) {
    const children = (await CompletionDay.collection.find({ day, level } as Document, { projection: STATE_PROJECTION }).toArray()) as unknown as CompletionDayState[];
    repaired += (await carryLevel(children)).length;
  }
  return repaired;
}

/**
 * Count many facts at once (seeding, imports, the daily task job): a guide's day not stored yet is
 * inserted whole (in batches), and so is each parent above it, so the documents are the ones
 * countCompletion writes for the same facts; a day stored already takes the facts it does not hold
 * in one versioned update. Each level is then carried up once per parent.
 *
 * @param facts facts of any guides and days.
 * @returns how many facts were counted.
 */
export async function countCompletionMany(facts: CompletionFact[]): Promise<number> {
  const byGuideDay = new Map<string, Map<string, CompletionFact>>();
  for (const fact of facts) {
    const id = completionDayId("guide", fact.userId, fact.day);
    const group = byGuideDay.get(id) ?? new Map<string, CompletionFact>();
    // A key given twice counts once, as one by one.
    if (!group.has(fact.key)) {
      group.set(fact.key, fact);
    }
    byGuideDay.set(id, group);
  }
  const groups = [...byGuideDay.entries()].map(([_id, group]) => [_id, [...group.values()]] as const);
  const days = groups.map(([_id, group]) => {
    const first = group[0] as CompletionFact;
    const figures = zeroFigures();
    for (const fact of group) {
      for (const [field, value] of Object.entries(figureIncrements(fact.inc))) {
        figures[field.slice("figures.".length) as keyof CompletionFigures] += value;
      }
    }
    return { _id, level: "guide" as const, ownerId: first.userId, day: first.day, storeId: first.storeId, regionId: first.regionId, figures, version: group.length, born: bornStamp(), keys: group.map((fact) => fact.key), children: {} };
  });
  let counted = 0;
  let level: CompletionDayState[] = [];
  for (let start = 0; start < days.length; start += 1000) {
    const batch = days.slice(start, start + 1000);
    const stored = await insertNew(CompletionDay.collection, batch);
    for (const [index, day] of batch.entries()) {
      if (!stored.has(index)) {
        counted += day.keys.length;
        level.push(stateOf(day));
        continue;
      }
      // Stored already: the facts it does not hold yet, in one update.
      const moved = await countIntoGuideDay(groups[start + index]?.[1] ?? []);
      counted += moved.counted.size;
      level.push(moved.day);
    }
  }
  while (level.length > 0) {
    level = await carryLevel(level);
  }
  return counted;
}
