// The landing page is scanned by crowds at once (a live stream, a store event): each process
// keeps what it rendered for a few seconds, by slug, and drops it when it rotates the funnel.
// Other processes catch up within the same few seconds.

/** A rendered answer. */
export interface CachedLanding {
  status: number;
  html: string;
  /** The funnel, for counting visits; null for an unknown slug. */
  funnelId: string | null;
}

interface Entry {
  value: CachedLanding;
  expires: number;
}

const TTL_MS = 3_000;
// Unknown slugs are cached too, so a bound keeps random paths from growing the map.
const MAX_ENTRIES = 2_000;
const entries = new Map<string, Entry>();
const loading = new Map<string, Promise<CachedLanding>>();

/**
 * The cached answer for a slug, or the one `load` renders; concurrent misses share one load.
 *
 * @param slug the funnel's slug.
 * @param load renders the page from the database.
 * @param nowMs the clock in ms.
 * @returns the answer.
 */
export async function cachedLanding(slug: string, load: () => Promise<CachedLanding>, nowMs = Date.now()): Promise<CachedLanding> {
  const hit = entries.get(slug);
  if (hit && hit.expires > nowMs) {
    return hit.value;
  }
  const pending = loading.get(slug);
  if (pending) {
    return pending;
  }
  const started = load()
    .then((value) => {
      if (entries.size >= MAX_ENTRIES) {
        entries.clear();
      }
      entries.set(slug, { value, expires: nowMs + TTL_MS });
      return value;
    })
    .finally(() => loading.delete(slug));
  loading.set(slug, started);
  return started;
}

/**
 * Forget a slug's page (after a rotation, an edit or a delete).
 *
 * @param slug the funnel's slug.
 */
export function invalidateLanding(slug: string): void {
  entries.delete(slug);
}

/** Forget every page (tests that empty the database under a running server). */
export function clearLandingCache(): void {
  entries.clear();
}
