// How a guide's part in a campaign reads: its tag colour, and the kind's figures in a line.
import type { PresentedCampaignGuide } from "@server/presenters/campaignCompletion";

const TAG_TYPES: Record<PresentedCampaignGuide["state"], "warning" | "success" | "danger" | "info"> = { assigned: "warning", done: "success", failed: "danger", cancelled: "info" };
export const stateTagType = (state: PresentedCampaignGuide["state"]) => TAG_TYPES[state];

const FIGURE_LABELS: Record<string, string> = { delivered: "送达", notFriend: "非好友", capped: "超上限", likes: "点赞", comments: "评论" };

/**
 * @param figures what the kind's sync learned for a guide.
 * @returns e.g. "送达 12 · 非好友 1", or "—".
 */
export function figuresText(figures: Record<string, number>): string {
  const parts = Object.entries(figures)
    .filter(([key]) => key in FIGURE_LABELS)
    .map(([key, value]) => `${FIGURE_LABELS[key]} ${value}`);
  return parts.length > 0 ? parts.join(" · ") : "—";
}
