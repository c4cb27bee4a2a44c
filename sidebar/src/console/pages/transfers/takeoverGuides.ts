// The takeover guides of each handover guide, asked once for the whole page (a table of one
// guide's customers has a picker per row); forgotten when the page loads again.
import type { PresentedTakeoverGuide } from "@server/presenters/transfer";
import { fetchTakeoverGuides } from "../../api/transfers";

const asked = new Map<string, Promise<PresentedTakeoverGuide[]>>();

/**
 * @param handoverUserId the guide whose customers move.
 * @returns who may take them over.
 */
export function takeoverGuidesOf(handoverUserId: string): Promise<PresentedTakeoverGuide[]> {
  const pending = asked.get(handoverUserId) ?? fetchTakeoverGuides(handoverUserId);
  asked.set(handoverUserId, pending);
  pending.catch(() => asked.delete(handoverUserId));
  return pending;
}

/** Ask again next time (a guide's permission or status may have changed). */
export function forgetTakeoverGuides(): void {
  asked.clear();
}
