// Adding up the day counters kept on write (channel codes, funnels) into the figures the console
// shows. Pure: the counters come in, the sums and retention rates go out.

const DAY_MS = 86_400_000;

/**
 * @param day a China date, YYYY-MM-DD.
 * @returns its day number (days since 1970-01-01), comparable with chinaDayNumber.
 */
export function dayNumberOf(day: string): number {
  return Math.floor(Date.parse(`${day}T00:00:00Z`) / DAY_MS);
}

/**
 * Every China date from one to another, both included.
 *
 * @param from the first date, YYYY-MM-DD.
 * @param to the last date.
 * @returns the dates in order.
 */
export function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  for (let day = dayNumberOf(from); day <= dayNumberOf(to); day += 1) {
    days.push(new Date(day * DAY_MS).toISOString().slice(0, 10));
  }
  return days;
}

/**
 * Retention of the cohorts whose N days are over: of the adds on days D with D + N ≤ today,
 * the share not lost within N days. A cohort still inside its N days says nothing yet.
 *
 * @param cohorts each day's adds and how many of them were lost within N days.
 * @param days N.
 * @param today today's China day number.
 * @returns the share (0–1), or null when no cohort is due or none had adds.
 */
export function retention(cohorts: { day: string; adds: number; lost: number }[], days: number, today: number): number | null {
  let adds = 0;
  let lost = 0;
  for (const cohort of cohorts) {
    if (dayNumberOf(cohort.day) + days <= today) {
      adds += cohort.adds;
      lost += cohort.lost;
    }
  }
  return adds > 0 ? Math.max(0, adds - lost) / adds : null;
}

/**
 * Group counters by a key, keeping the first-seen order of keys.
 *
 * @param items the counters.
 * @param keyOf each one's group.
 * @returns the groups.
 */
export function groupBy<T>(items: T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) {
      group.push(item);
    } else {
      groups.set(key, [item]);
    }
  }
  return groups;
}
