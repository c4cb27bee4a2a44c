// Seeded randomness for everything that makes up data (the sandbox's demo, the benches): the same
// seed gives the same sequence on every machine and run, so a rerun plans exactly what the first
// run planned and a bench measures the same data twice.
import crypto from "node:crypto";

/** A uniform source in [0, 1). */
export type Random = () => number;

/**
 * mulberry32: small, fast and good enough for test data (not for secrets).
 *
 * @param seed an integer, or a string (hashed with SHA-256 to the integer).
 * @returns the source.
 */
export function seededRandom(seed: number | string): Random {
  let state = typeof seed === "number" ? seed : crypto.createHash("sha256").update(seed).digest().readUInt32LE(0);
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * @param random the source.
 * @param items a non-empty list.
 * @returns one of the items, each as likely.
 */
export function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

/**
 * @param random the source.
 * @param items a non-empty list of [item, weight] pairs.
 * @returns one of the items, as likely as its share of the weights.
 */
export function pickWeighted<T>(random: Random, items: readonly (readonly [T, number])[]): T {
  const total = items.reduce((sum, [, weight]) => sum + weight, 0);
  let roll = random() * total;
  for (const [item, weight] of items) {
    roll -= weight;
    if (roll < 0) {
      return item;
    }
  }
  return (items.at(-1) as readonly [T, number])[0];
}
