// Who has done their part of a campaign (a moment published, a mass message sent), per guide and
// counted on write per campaign, store and region, so completion pages read tens of documents.
import { isDuplicateKeyError } from "../db/duplicates.ts";
import { chinaDate } from "../domain/chinaTime.ts";
import type { CompletionFigures as DayFigures } from "../domain/tasks.ts";
import { CampaignGuide, campaignGuideId, type CampaignGuideAttrs, type CampaignGuideState, type CampaignKind } from "../models/CampaignGuide.ts";
import { CampaignTally, campaignTallyId, TALLY_COUNTERS, type CampaignTallyAttrs } from "../models/CampaignTally.ts";
import { Department } from "../models/Department.ts";
import { Employee } from "../models/Employee.ts";
import { mapLimit } from "../utils/async.ts";
import { countCompletion, countCompletionMany, type CompletionFact } from "./completionRollup.ts";
import keyedCounter from "./keyedCounter.ts";

type Counter = (typeof TALLY_COUNTERS)[number];

/** Where a guide sits: the store (main department) and the store's region (its parent, unless that is the root). */
export interface GuidePlace {
  storeId: string | null;
  regionId: string | null;
}

/**
 * @param userIds guides.
 * @returns each guide's store and region (guides not in the directory have neither).
 */
export async function guidePlaces(userIds: string[]): Promise<Map<string, GuidePlace>> {
  const employees = await Employee.find({ userId: { $in: userIds } }, { userId: 1, mainDepartmentId: 1, departmentIds: 1 }).lean();
  const storeOf = new Map(employees.map((employee) => [employee.userId, employee.mainDepartmentId ?? employee.departmentIds[0] ?? null]));
  const storeIds = [...new Set([...storeOf.values()].filter((id): id is number => id !== null))];
  const departments = await Department.find({ departmentId: { $in: storeIds } }, { departmentId: 1, parentId: 1 }).lean();
  const parents = await Department.find({ departmentId: { $in: departments.map((department) => department.parentId).filter((id): id is number => id !== null) } }, { departmentId: 1, parentId: 1 }).lean();
  // A store right under the corp's root has no region: the root is the brand, not a region.
  const regionParent = new Map(parents.filter((parent) => parent.parentId !== null && parent.parentId !== 0).map((parent) => [parent.departmentId, parent.departmentId]));
  const regionOf = new Map(departments.map((department) => [department.departmentId, typeof department.parentId === "number" ? (regionParent.get(department.parentId) ?? null) : null]));
  return new Map(
    userIds.map((userId) => {
      const store = storeOf.get(userId) ?? null;
      const region = store !== null ? (regionOf.get(store) ?? null) : null;
      return [userId, { storeId: store !== null ? String(store) : null, regionId: region !== null ? String(region) : null }];
    }),
  );
}

// The guide's completion day moves with the campaign's assignments, publications (sends) and
// cancels, all on the day the guide was assigned, so a day's rate never changes its denominator.
const COMPLETION_MOVES: Record<CampaignKind, Partial<Record<Counter, Partial<DayFigures>>>> = {
  moment: { assigned: { momentsAssigned: 1 }, done: { momentsPublished: 1 }, cancelled: { momentsAssigned: -1 } },
  mass: { assigned: { massAssigned: 1 }, done: { massSent: 1 }, cancelled: { massAssigned: -1 } },
};

type TalliedGuide = Pick<CampaignGuideAttrs, "kind" | "campaignId" | "userId" | "storeId" | "regionId" | "assignedAt">;

/** The guide's completion fact for a move, or null for a move the completion days do not count (a failure). */
function completionFact(guide: TalliedGuide, key: string, inc: Partial<Record<Counter, number>>): CompletionFact | null {
  const kind = guide.kind as CampaignKind;
  const [counter] = Object.keys(inc) as Counter[];
  const completion = counter ? COMPLETION_MOVES[kind][counter] : undefined;
  return completion ? { userId: guide.userId, storeId: guide.storeId ?? null, regionId: guide.regionId ?? null, day: chinaDate(guide.assignedAt), key: `${kind}:${guide.campaignId}:${key}`, inc: completion } : null;
}

/**
 * Count one move of one guide once, in the campaign's tally and in its store's and region's, and
 * in the guide's completion day (unless `facts` collects it, for a batch to count at once).
 */
async function tally(guide: TalliedGuide, key: string, inc: Partial<Record<Counter, number>>, facts?: CompletionFact[]): Promise<void> {
  const kind = guide.kind as CampaignKind;
  const scopes: [string, Record<string, unknown>][] = [["all", {}]];
  if (guide.storeId) {
    scopes.push([`store:${guide.storeId}`, { storeId: guide.storeId, regionId: guide.regionId ?? null }]);
  }
  if (guide.regionId) {
    scopes.push([`region:${guide.regionId}`, { regionId: guide.regionId }]);
  }
  await Promise.all(
    scopes.map(([scope, place]) =>
      keyedCounter(CampaignTally.collection, campaignTallyId(kind, guide.campaignId, scope), key, inc, { kind, campaignId: guide.campaignId, scope, storeId: null, regionId: null, ...place }, TALLY_COUNTERS),
    ),
  );
  const fact = completionFact(guide, key, inc);
  if (fact && facts) {
    facts.push(fact);
  } else if (fact) {
    await countCompletion(fact);
  }
}

/**
 * Give guides their part in a campaign. Safe to run again (after a crash, for a re-planned
 * audience): a guide already assigned keeps their state and is not counted twice.
 *
 * @param kind moment or mass.
 * @param campaignId the campaign.
 * @param userIds the guides.
 * @param at when.
 */
export async function assignCampaignGuides(kind: CampaignKind, campaignId: string, userIds: string[], at: Date): Promise<void> {
  const unique = [...new Set(userIds)];
  for (let start = 0; start < unique.length; start += 1000) {
    const chunk = unique.slice(start, start + 1000);
    const places = await guidePlaces(chunk);
    const facts: CompletionFact[] = [];
    await mapLimit(chunk, 8, async (userId) => {
      const place = places.get(userId) ?? { storeId: null, regionId: null };
      const guide = { _id: campaignGuideId(kind, campaignId, userId), kind, campaignId, userId, ...place, state: "assigned", attempt: 1, assignedAt: at };
      let stored: TalliedGuide = guide;
      try {
        await CampaignGuide.collection.insertOne(guide as never);
      } catch (error) {
        if (!isDuplicateKeyError(error)) {
          throw error;
        }
        // Assigned before (a re-run): count with the stored place, not this run's, so a guide who
        // moved store since stays where the first count put them.
        stored = (await CampaignGuide.findById(guide._id).lean<CampaignGuideAttrs>()) ?? guide;
      }
      await tally(stored, `assign:${userId}`, { assigned: 1 }, facts);
    });
    // After the chunk's tallies: a crash before this leaves the guides assigned, and the re-run counts them (keyed).
    await countCompletionMany(facts);
  }
}

/** Move a guide from one state to another (conditional), then count the move; a replay counts nothing new. */
async function move(kind: CampaignKind, campaignId: string, userId: string, from: CampaignGuideState[], set: Record<string, unknown>, count: (guide: CampaignGuideAttrs) => [string, Partial<Record<Counter, number>>] | null, already: (guide: CampaignGuideAttrs) => boolean): Promise<boolean> {
  const _id = campaignGuideId(kind, campaignId, userId);
  const moved = await CampaignGuide.findOneAndUpdate({ _id, state: { $in: from } }, { $set: set }, { returnDocument: "after", lean: true }) as CampaignGuideAttrs | null;
  const guide = moved ?? (await CampaignGuide.findById(_id).lean<CampaignGuideAttrs>());
  // Counting again when the state is already there converges a move whose count a crash cut off.
  if (guide && (moved || already(guide))) {
    const counted = count(guide);
    if (counted) {
      await tally(guide, counted[0], counted[1]);
    }
  }
  return moved !== null;
}

/**
 * The guide did their part (published the moment, sent the mass message).
 *
 * @returns true when this call moved the guide to done.
 */
export function markCampaignGuideDone(kind: CampaignKind, campaignId: string, userId: string, at: Date): Promise<boolean> {
  return move(kind, campaignId, userId, ["assigned"], { state: "done", doneAt: at }, () => [`done:${userId}`, { done: 1 }], (guide) => guide.state === "done");
}

/**
 * WeCom refused this guide's part (an invalid sender, a 41xxx); the reason is shown to the operator.
 *
 * @param reason in Chinese.
 * @returns true when this call moved the guide to failed.
 */
export function markCampaignGuideFailed(kind: CampaignKind, campaignId: string, userId: string, reason: string, at: Date): Promise<boolean> {
  return move(kind, campaignId, userId, ["assigned"], { state: "failed", failReason: reason, doneAt: at }, (guide) => [`fail:${userId}:${guide.attempt}`, { failed: 1 }], (guide) => guide.state === "failed");
}

/**
 * A failed guide is tried again: back to assigned, with the next attempt number.
 *
 * @returns true when this call moved the guide back.
 */
export async function retryCampaignGuide(kind: CampaignKind, campaignId: string, userId: string): Promise<boolean> {
  const _id = campaignGuideId(kind, campaignId, userId);
  const moved = await CampaignGuide.findOneAndUpdate({ _id, state: "failed" }, { $set: { state: "assigned", failReason: "", doneAt: null }, $inc: { attempt: 1 } }, { returnDocument: "before", lean: true }) as CampaignGuideAttrs | null;
  // A retry a crash cut off after the guide moved: its attempt is past 1 and the last failure is
  // still counted. Both moves are keyed, so settling them again counts nothing new.
  const guide = moved ?? (await CampaignGuide.findById(_id).lean<CampaignGuideAttrs>());
  const failedAttempt = moved ? moved.attempt : guide && guide.state !== "failed" && guide.attempt > 1 ? guide.attempt - 1 : null;
  if (guide && failedAttempt !== null) {
    // The failure first: a failure whose own count was cut off must not be uncounted below zero.
    await tally(guide, `fail:${userId}:${failedAttempt}`, { failed: 1 });
    await tally(guide, `unfail:${userId}:${failedAttempt}`, { failed: -1 });
  }
  return moved !== null;
}

/**
 * The campaign was cancelled: every guide who had not done their part yet is cancelled.
 *
 * @returns how many guides this call cancelled.
 */
export async function cancelCampaignGuides(kind: CampaignKind, campaignId: string, at: Date): Promise<number> {
  let cancelled = 0;
  // Cancelled guides too: a cancel replayed after a crash counts the ones whose count was cut off.
  const open = CampaignGuide.find({ kind, campaignId, state: { $in: ["assigned", "cancelled"] } }, { userId: 1 }).lean().cursor();
  for await (const guide of open) {
    const moved = await move(kind, campaignId, guide.userId, ["assigned"], { state: "cancelled", doneAt: at }, () => [`cancel:${guide.userId}`, { cancelled: 1 }], (stored) => stored.state === "cancelled");
    cancelled += moved ? 1 : 0;
  }
  return cancelled;
}

/**
 * What the kind's sync learned for a guide (absolute figures, so a repeated sync converges).
 *
 * @param figures e.g. { delivered, notFriend, capped } or { likes, comments }.
 */
export async function setCampaignGuideFigures(kind: CampaignKind, campaignId: string, userId: string, figures: Record<string, number>): Promise<void> {
  await CampaignGuide.updateOne({ _id: campaignGuideId(kind, campaignId, userId) }, { $set: { figures } });
}

/**
 * Note that guides were reminded (催办).
 *
 * @param userIds the guides reminded.
 */
export async function recordCampaignReminders(kind: CampaignKind, campaignId: string, userIds: string[], at: Date): Promise<void> {
  await CampaignGuide.updateMany({ _id: { $in: userIds.map((userId) => campaignGuideId(kind, campaignId, userId)) } }, { $inc: { remindCount: 1 }, $set: { lastRemindedAt: at } });
}

/**
 * Claim guides for a 催办: each guide still assigned and not reminded since `notBefore` is marked
 * reminded now, in one conditional update per guide, so two clicks (or two managers) at once
 * remind a guide once. Claimed before sending: a crash after the claim leaves a guide marked but
 * not messaged, never messaged twice.
 *
 * @param userIds the guides asked for.
 * @param at now.
 * @param notBefore the last reminder must be before this for a guide to be reminded again.
 * @returns the guides claimed.
 */
export async function claimCampaignReminders(kind: CampaignKind, campaignId: string, userIds: string[], at: Date, notBefore: Date): Promise<string[]> {
  const claimed: string[] = [];
  await mapLimit([...new Set(userIds)], 8, async (userId) => {
    const result = await CampaignGuide.updateOne(
      { _id: campaignGuideId(kind, campaignId, userId), state: "assigned", $or: [{ lastRemindedAt: null }, { lastRemindedAt: { $lt: notBefore } }] },
      { $inc: { remindCount: 1 }, $set: { lastRemindedAt: at } },
    );
    if (result.modifiedCount > 0) {
      claimed.push(userId);
    }
  });
  return claimed;
}

/**
 * Give back claims whose message did not go out (WeCom refused the call or did not know the guide),
 * so the guide can be reminded again at once.
 *
 * @param userIds the guides claimed at `at`.
 * @param at the claim's time.
 */
export async function releaseCampaignReminders(kind: CampaignKind, campaignId: string, userIds: string[], at: Date): Promise<void> {
  if (userIds.length === 0) {
    return;
  }
  await CampaignGuide.updateMany(
    { _id: { $in: userIds.map((userId) => campaignGuideId(kind, campaignId, userId)) }, lastRemindedAt: at },
    { $inc: { remindCount: -1 }, $set: { lastRemindedAt: null } },
  );
}

/** A level's completion. */
export interface CompletionFigures {
  assigned: number;
  done: number;
  failed: number;
  cancelled: number;
  /** done / (assigned − cancelled), 0..1; 0 when nobody is left assigned. */
  rate: number;
}

const figures = (tally: Pick<CampaignTallyAttrs, Counter>): CompletionFigures => {
  const open = tally.assigned - tally.cancelled;
  return { assigned: tally.assigned, done: tally.done, failed: tally.failed, cancelled: tally.cancelled, rate: open > 0 ? tally.done / open : 0 };
};

/**
 * A campaign's completion, read from its tallies.
 *
 * @param scopeStoreIds a manager's stores (their sum becomes `all`); null for everyone.
 * @returns the campaign's figures, per store and per region (ids; the presenter names them).
 */
export async function campaignCompletion(kind: CampaignKind, campaignId: string, scopeStoreIds: string[] | null): Promise<{ all: CompletionFigures; stores: (CompletionFigures & { storeId: string; regionId: string | null })[]; regions: (CompletionFigures & { regionId: string })[] }> {
  const tallies = await CampaignTally.find({ kind, campaignId }).select({ keys: 0 }).lean<CampaignTallyAttrs[]>();
  const stores = tallies.filter((entry) => entry.scope.startsWith("store:") && (scopeStoreIds === null || scopeStoreIds.includes(entry.storeId ?? "")));
  const zero = { assigned: 0, done: 0, failed: 0, cancelled: 0 };
  const sum = (list: Pick<CampaignTallyAttrs, Counter>[]) => list.reduce((total, entry) => ({ assigned: total.assigned + entry.assigned, done: total.done + entry.done, failed: total.failed + entry.failed, cancelled: total.cancelled + entry.cancelled }), zero);
  const all = scopeStoreIds === null ? (tallies.find((entry) => entry.scope === "all") ?? zero) : sum(stores);
  const regions = scopeStoreIds === null ? tallies.filter((entry) => entry.scope.startsWith("region:")) : [];
  return {
    all: figures(all),
    stores: stores.map((entry) => ({ storeId: entry.storeId ?? "", regionId: entry.regionId ?? null, ...figures(entry) })),
    regions: regions.map((entry) => ({ regionId: entry.regionId ?? "", ...figures(entry) })),
  };
}
