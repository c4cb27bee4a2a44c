import { LuckyDraw, type StoredDraw } from "../models/LuckyDraw.ts";

// The draw page and every draw read the campaign by slug; at a hundred draws a second that is
// the hottest read. A short cache keeps it off the database; the console's writes forget the
// entry at once (in this process), and other processes see a change within TTL_MS.
const TTL_MS = 2_000;
const cache = new Map<string, { draw: StoredDraw | null; at: number }>();

/**
 * @param slug the draw's slug.
 * @returns the draw, or null.
 */
export async function drawBySlug(slug: string): Promise<StoredDraw | null> {
  const hit = cache.get(slug);
  const clock = Date.now();
  if (hit && clock - hit.at < TTL_MS) {
    return hit.draw;
  }
  const draw = (await LuckyDraw.findOne({ slug }).lean()) as StoredDraw | null;
  cache.set(slug, { draw, at: clock });
  return draw;
}

/**
 * Drop a draw from the cache after it changed.
 *
 * @param slug the slug (both the old and the new one after a rename).
 */
export function forgetDraw(...slugs: string[]): void {
  for (const slug of slugs) {
    cache.delete(slug);
  }
}
