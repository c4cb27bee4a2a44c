// The brand's running lucky draws as the customer's phone can open them: in a shop the link comes
// in the guide's message, a group or a poster; the sandbox phone lists them (as it lists the
// funnels' posters) and opens `/draw/<slug>` inside the phone. Read only; the draws are the product's.
import { LuckyDraw } from "../../models/LuckyDraw.ts";

/** A running draw the phone can open. */
export interface DrawPoster {
  name: string;
  slug: string;
  pagePath: string;
}

/** @returns the running draws, newest first (at most 50). */
export async function drawPosters(): Promise<DrawPoster[]> {
  const draws = await LuckyDraw.find({ status: "active" }, { name: 1, slug: 1 }).sort({ _id: -1 }).limit(50).lean();
  return draws.map((draw) => ({ name: draw.name, slug: draw.slug, pagePath: `/draw/${draw.slug}` }));
}
