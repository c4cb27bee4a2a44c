// The brand's posters on the walls: each funnel's permanent QR points at its landing page
// `/g/<slug>`, so a customer's phone in the sandbox can "scan" one. The sandbox reads the
// product's funnels only to list them (it never writes them); in a real shop the poster is paper.
import { Funnel } from "../../models/Funnel.ts";

/** A funnel's poster: its name and where its QR leads. */
export interface Poster {
  name: string;
  slug: string;
  landingPath: string;
  paused: boolean;
}

/** @returns the funnels' posters, newest first (at most 50). */
export async function posters(): Promise<Poster[]> {
  const funnels = await Funnel.find({}, { name: 1, slug: 1, paused: 1 }).sort({ _id: -1 }).limit(50).lean();
  return funnels.map((funnel) => ({ name: funnel.name, slug: funnel.slug, landingPath: `/g/${funnel.slug}`, paused: funnel.paused }));
}
