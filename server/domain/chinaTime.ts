// Business days are China's (UTC+8, no daylight saving): a purchase at 23:30 Beijing time
// belongs to that day, not to the next UTC one.

export const CHINA_OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;

/**
 * @param at an instant.
 * @returns the number of the China calendar day it falls on (days since 1970-01-01, UTC+8).
 */
export function chinaDayNumber(at: Date): number {
  return Math.floor((at.getTime() + CHINA_OFFSET_MS) / DAY_MS);
}

/**
 * @param at an instant.
 * @returns its China calendar date, YYYY-MM-DD.
 */
export function chinaDate(at: Date): string {
  return new Date(at.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}
