import { drawPageUrl } from "../security/drawTokens.ts";

// A reply in a group is read by everyone in it, so a draw link there is always the plain one: a
// personal link (server/security/drawTokens.ts personalDrawLink) would let every member of the
// group draw as the speaker. Personal links go one-to-one (the sidebar), never to a room.

/**
 * @param slug the draw's slug.
 * @param origin the site's origin, used when PUBLIC_URL is unset.
 * @returns the draw page's plain link.
 */
export function drawLink(slug: string, origin: string): string {
  return drawPageUrl(slug, origin);
}

/**
 * @param slug the funnel's slug.
 * @param origin the site's origin (PUBLIC_URL, else where the server listens).
 * @returns the funnel landing page's link (server/routes/landing).
 */
export function funnelLink(slug: string, origin: string): string {
  return `${origin.replace(/\/+$/, "")}/g/${encodeURIComponent(slug)}`;
}
