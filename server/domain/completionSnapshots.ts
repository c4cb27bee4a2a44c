// How a completion day's parent holds its children: a key per child and a packed snapshot of the
// child's figures with its version (server/commands/completionRollup.ts maintains them).
import { COMPLETION_COUNTERS, type CompletionFigures } from "./tasks.ts";

/**
 * A child as its parent holds it: its version and its figures as numbers in COMPLETION_COUNTERS
 * order joined by commas. Compact on purpose: a region's day holds every store's, and a view over
 * a quarter reads 92 of them (named counters made that 5× the bytes and the time).
 */
export interface ChildSnapshot {
  f: string;
  v: number;
}

/**
 * @param figures a day's counters.
 * @returns them as a snapshot's `f`.
 */
export function packFigures(figures: Partial<CompletionFigures>): string {
  return COMPLETION_COUNTERS.map((counter) => figures[counter] ?? 0).join(",");
}

/**
 * @param packed a snapshot's `f` (a counter added since reads as 0).
 * @returns the counters.
 */
export function unpackFigures(packed: string): CompletionFigures {
  const values = packed.split(",");
  return Object.fromEntries(COMPLETION_COUNTERS.map((counter, index) => [counter, Number(values[index] ?? 0) || 0])) as CompletionFigures;
}

/**
 * A child's key inside its parent's `children`: level and id, with "." (and the escape itself)
 * encoded, since WeCom userids may hold dots and a dotted path would split on them.
 *
 * @param level the child's level.
 * @param ownerId the child's userId or department id.
 * @returns e.g. `guide:zhang%2Esan`, `store:101`.
 */
export function childKey(level: string, ownerId: string): string {
  return `${level}:${ownerId.replaceAll("%", "%25").replaceAll(".", "%2E")}`;
}

/**
 * @param key a key from childKey.
 * @returns the child's level and id.
 */
export function parseChildKey(key: string): { level: string; ownerId: string } {
  const at = key.indexOf(":");
  return { level: key.slice(0, at), ownerId: key.slice(at + 1).replaceAll("%2E", ".").replaceAll("%25", "%") };
}

/** A figures object with every counter at 0. */
export function zeroFigures(): CompletionFigures {
  return Object.fromEntries(COMPLETION_COUNTERS.map((counter) => [counter, 0])) as CompletionFigures;
}
