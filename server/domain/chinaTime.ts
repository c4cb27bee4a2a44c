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

/**
 * Excel has no time zones: a time written to a sheet is China's wall-clock time, as people read it.
 *
 * @param at an instant, or nothing.
 * @returns a Date whose UTC fields are China's wall clock, or null.
 */
export function chinaWallClock(at: Date | null | undefined): Date | null {
  return at ? new Date(at.getTime() + CHINA_OFFSET_MS) : null;
}
