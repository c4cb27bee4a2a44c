import { z } from "zod";
import type { Program } from "./program.ts";

const DAY = 86_400_000;

const ids = z.array(z.string().trim().min(1, "is required").max(128, "is too long")).max(1000, "at most 1000 values");
const range = (label: string) =>
  z
    .strictObject({
      min: z.number().int("must be an integer").min(0, "must be ≥ 0").optional(),
      max: z.number().int("must be an integer").min(0, "must be ≥ 0").optional(),
    })
    .refine((value) => value.min === undefined || value.max === undefined || value.min <= value.max, {
      path: ["max"],
      message: `must be ≥ the minimum ${label}`,
    });
const scores = z.array(z.number().int("must be an integer").min(1, "must be a score 1–5").max(5, "must be a score 1–5")).max(5, "at most 5 scores");
const days = z.number().int("must be a whole number of days").min(1, "must be ≥ 1").max(3650, "must be ≤ 3650");

/**
 * A segment (人群) rule. Every condition is optional and they combine with AND; an empty list
 * means "no condition" (a cleared picker), never "nobody". Unknown keys are refused so a typo
 * cannot silently widen a mass message to every member.
 */
export const SegmentRuleSchema = z
  .strictObject({
    tags: z.strictObject({ any: ids.optional(), all: ids.optional(), none: ids.optional() }).optional(),
    /** Exactly these level codes. */
    levels: ids.optional(),
    /** This level or any above it. */
    minLevel: z.string().trim().min(1, "is required").max(32, "is too long").optional(),
    points: range("points").optional(),
    rfm: z.strictObject({ r: scores.optional(), f: scores.optional(), m: scores.optional() }).optional(),
    spentFen: range("amount").optional(),
    lastPurchaseWithinDays: days.optional(),
    /** Silent members: bought before, but not in the last N days (never-buyers are not "silent"). */
    noPurchaseForDays: days.optional(),
    birthdayMonth: z.array(z.number().int("must be an integer").min(1, "must be a month 1–12").max(12, "must be a month 1–12")).max(12).optional(),
    channels: ids.optional(),
    stores: ids.optional(),
    guides: ids.optional(),
    groups: ids.optional(),
  })
  .superRefine((rule, ctx) => {
    if (rule.levels?.length && rule.minLevel !== undefined) {
      ctx.addIssue({ code: "custom", path: ["minLevel"], message: "use either levels or minLevel, not both" });
    }
    if (rule.lastPurchaseWithinDays !== undefined && rule.noPurchaseForDays !== undefined && rule.noPurchaseForDays >= rule.lastPurchaseWithinDays) {
      ctx.addIssue({ code: "custom", path: ["noPurchaseForDays"], message: "must be less than lastPurchaseWithinDays, or nobody matches" });
    }
  });

export type SegmentRule = z.infer<typeof SegmentRuleSchema>;

/**
 * What the schema cannot know: whether the level codes exist in the program in force.
 *
 * @param rule a parsed rule.
 * @param program the program in force.
 * @returns "field: message" for the first unknown level, or null.
 */
export function segmentRuleProblem(rule: SegmentRule, program: Program): string | null {
  const known = new Set(program.levels.map((level) => level.code));
  const unknownIndex = (rule.levels ?? []).findIndex((code) => !known.has(code));
  if (unknownIndex >= 0) {
    return `levels.${unknownIndex}: unknown level "${rule.levels?.[unknownIndex]}"`;
  }
  if (rule.minLevel !== undefined && !known.has(rule.minLevel)) {
    return `minLevel: unknown level "${rule.minLevel}"`;
  }
  return null;
}

type Filter = Record<string, unknown>;
const NOBODY: Filter = { _id: { $in: [] } };

/** Consecutive runs of the chosen scores, so [3, 4, 5] becomes one range rather than three. */
function scoreRuns(chosen: number[]): Array<[number, number]> {
  const sorted = [...new Set(chosen)].sort((a, b) => a - b);
  const runs: Array<[number, number]> = [];
  for (const score of sorted) {
    const last = runs.at(-1);
    if (last && last[1] === score - 1) {
      last[1] = score;
    } else {
      runs.push([score, score]);
    }
  }
  return runs;
}

/** One clause per run, OR-ed; memberMetrics counts thresholds, so sorting them keeps its meaning. */
function anyOf(runs: Array<[number, number]>, clause: (lo: number, hi: number) => Filter): Filter {
  const clauses = runs.map(([lo, hi]) => clause(lo, hi));
  return clauses.length === 1 ? (clauses[0] as Filter) : { $or: clauses };
}

/**
 * f and m: score = 1 + how many thresholds the value reaches, so score s needs the (s-1)th lowest
 * threshold reached and the s-th not.
 */
function countScoreClause(field: string, thresholds: number[], chosen: number[]): Filter | null {
  const sorted = [...thresholds].sort((a, b) => a - b);
  const runs = scoreRuns(chosen);
  if (runs.length === 1 && runs[0]?.[0] === 1 && runs[0][1] === 5) {
    return null;
  }
  return anyOf(runs, (lo, hi) => {
    const bounds: Filter = {};
    if (lo > 1) {
      bounds.$gte = sorted[lo - 2];
    }
    if (hi < 5) {
      bounds.$lt = sorted[hi - 1];
    }
    return { [field]: bounds };
  });
}

/**
 * r: score = 5 - how many thresholds the days since the last purchase exceed (strictly), so
 * "within 30 days" is lastPurchaseAt ≥ now - 30 days, exactly as memberMetrics computes it.
 */
function recencyClause(thresholds: number[], chosen: number[], now: Date): Filter {
  const sorted = [...thresholds].sort((a, b) => a - b);
  const cutoff = (index: number) => new Date(now.getTime() - (sorted[index] as number) * DAY);
  return anyOf(scoreRuns(chosen), (lo, hi) => {
    // Thresholds exceeded: from 5 - hi (best score) to 5 - lo (worst score).
    const fewest = 5 - hi;
    const most = 5 - lo;
    const bounds: Filter = { $ne: null };
    if (fewest > 0) {
      bounds.$lt = cutoff(fewest - 1);
    }
    if (most < 4) {
      bounds.$gte = cutoff(most);
    }
    return { "metrics.lastPurchaseAt": bounds };
  });
}

/** Level codes chosen; the lowest level also stands for unknown codes, as levelRank treats them. */
function levelClause(rule: SegmentRule, program: Program): Filter | null {
  const codes = program.levels.map((level) => level.code);
  let chosen: string[];
  if (rule.minLevel !== undefined) {
    const rank = codes.indexOf(rule.minLevel);
    if (rank < 0) {
      // A level removed from the program must not turn a targeted segment into everyone.
      return NOBODY;
    }
    chosen = codes.slice(rank);
  } else if (rule.levels?.length) {
    chosen = rule.levels;
  } else {
    return null;
  }
  if (codes[0] !== undefined && chosen.includes(codes[0])) {
    const others = codes.filter((code) => !chosen.includes(code));
    return others.length > 0 ? { levelCode: { $nin: others } } : null;
  }
  return { levelCode: { $in: chosen } };
}

function between(field: string, bounds: { min?: number | undefined; max?: number | undefined } | undefined): Filter | null {
  if (!bounds || (bounds.min === undefined && bounds.max === undefined)) {
    return null;
  }
  return { [field]: { ...(bounds.min !== undefined ? { $gte: bounds.min } : {}), ...(bounds.max !== undefined ? { $lte: bounds.max } : {}) } };
}

const some = (values: unknown[] | undefined): values is unknown[] => Array.isArray(values) && values.length > 0;

/**
 * Turn a rule into a MongoDB filter on `members`. Pure: the program (levels, RFM thresholds) and
 * the clock are passed in, so the same rule selects exactly the members whose profile shows the
 * matching level and RFM scores at that moment. Merged members are always excluded.
 *
 * @param rule a parsed rule.
 * @param program the program in force.
 * @param now the clock for day windows and recency.
 * @returns the filter.
 */
export function compileSegmentFilter(rule: SegmentRule, program: Program, now: Date): Filter {
  const clauses: Array<Filter | null> = [];
  const { tags, rfm } = rule;
  if (some(tags?.any)) {
    clauses.push({ tagIds: { $in: tags.any } });
  }
  if (some(tags?.all)) {
    clauses.push({ tagIds: { $all: tags.all } });
  }
  if (some(tags?.none)) {
    clauses.push({ tagIds: { $nin: tags.none } });
  }
  clauses.push(levelClause(rule, program), between("points", rule.points), between("metrics.totalSpent", rule.spentFen));
  if (some(rfm?.r)) {
    clauses.push(recencyClause(program.rfm.recencyDays, rfm.r, now));
  }
  if (some(rfm?.f)) {
    clauses.push(countScoreClause("metrics.orderCount", program.rfm.frequency, rfm.f));
  }
  if (some(rfm?.m)) {
    clauses.push(countScoreClause("metrics.totalSpent", program.rfm.monetary, rfm.m));
  }
  const daysAgo = (count: number) => new Date(now.getTime() - count * DAY);
  if (rule.lastPurchaseWithinDays !== undefined) {
    clauses.push({ "metrics.lastPurchaseAt": { $ne: null, $gte: daysAgo(rule.lastPurchaseWithinDays) } });
  }
  if (rule.noPurchaseForDays !== undefined) {
    clauses.push({ "metrics.lastPurchaseAt": { $ne: null, $lt: daysAgo(rule.noPurchaseForDays) } });
  }
  if (some(rule.birthdayMonth)) {
    const months = [...new Set(rule.birthdayMonth)].map((month) => String(month).padStart(2, "0"));
    // Birthdays are "MM-DD" or "YYYY-MM-DD".
    clauses.push({ birthday: { $regex: `^(\\d{4}-)?(${months.join("|")})-` } });
  }
  const lists: Array<[string, string[] | undefined]> = [
    ["sourceChannel", rule.channels],
    ["homeStoreId", rule.stores],
    ["guideUserIds", rule.guides],
    ["groupChatIds", rule.groups],
  ];
  for (const [field, values] of lists) {
    if (some(values)) {
      clauses.push({ [field]: { $in: values } });
    }
  }
  const present = clauses.filter((clause): clause is Filter => clause !== null);
  return present.length > 0 ? { mergedInto: null, $and: present } : { mergedInto: null };
}
