import type { CampaignGuideAttrs, CampaignGuideState, CampaignKind } from "../models/CampaignGuide.ts";
import { CAMPAIGN_GUIDE_STATE_LABELS, CAMPAIGN_KIND_LABELS } from "./labels.ts";

/** A level's counts as the tallies keep them; rate = done / (assigned − cancelled), 0..1. */
interface CompletionFigures {
  assigned: number;
  done: number;
  failed: number;
  cancelled: number;
  rate: number;
}

/** One level's figures: 应完成 (assigned less cancelled), 已完成, 失败, 未完成 and the rate (0..1). */
export interface PresentedCompletionFigures extends CompletionFigures {
  /** Guides who still have it to do. */
  pending: number;
}

export interface PresentedStoreCompletion extends PresentedCompletionFigures {
  storeId: string;
  storeName: string;
  regionId: string | null;
  regionName: string | null;
}

export interface PresentedRegionCompletion extends PresentedCompletionFigures {
  regionId: string;
  regionName: string;
}

/** GET /api/console/campaigns/:kind/:id/completion. */
export interface PresentedCampaignCompletion {
  kind: CampaignKind;
  campaignId: string;
  name: string;
  all: PresentedCompletionFigures;
  stores: PresentedStoreCompletion[];
  regions: PresentedRegionCompletion[];
}


/** One guide's part, in the drill-down (GET …/guides). */
export interface PresentedCampaignGuide {
  userId: string;
  name: string;
  storeId: string | null;
  storeName: string;
  state: CampaignGuideState;
  stateLabel: string;
  failReason: string;
  figures: Record<string, number>;
  remindCount: number;
  lastRemindedAt: string | null;
  assignedAt: string;
  doneAt: string | null;
}

/** One campaign of a guide (GET /api/console/campaigns/guides/:userId). */
export interface PresentedGuideCampaign {
  kind: CampaignKind;
  kindLabel: string;
  campaignId: string;
  name: string;
  state: CampaignGuideState;
  stateLabel: string;
  failReason: string;
  figures: Record<string, number>;
  remindCount: number;
  assignedAt: string;
  doneAt: string | null;
}

export interface PresentedGuideCampaigns {
  userId: string;
  name: string;
  storeName: string;
  campaigns: PresentedGuideCampaign[];
}

/** POST …/remind: who got the app message, who was left out and why. */
export interface PresentedReminders {
  reminded: number;
  /** Guides not reminded this time (reminded too recently, or WeCom did not know them). */
  skipped: { userId: string; name: string; reason: string }[];
  message: string;
}


/**
 * @param figures a level's counts.
 * @returns them with what is left to do.
 */
export function presentFigures(figures: CompletionFigures): PresentedCompletionFigures {
  return { ...figures, pending: Math.max(0, figures.assigned - figures.cancelled - figures.done - figures.failed) };
}

const iso = (value: Date | null | undefined): string | null => (value ? value.toISOString() : null);

/**
 * @param guide the stored part.
 * @param names guides' and stores' names by id.
 * @returns the row of the drill-down.
 */
export function presentCampaignGuide(guide: CampaignGuideAttrs, names: { guides: Map<string, string>; stores: Map<string, string> }): PresentedCampaignGuide {
  const state = guide.state as CampaignGuideState;
  return {
    userId: guide.userId,
    name: names.guides.get(guide.userId) || guide.userId,
    storeId: guide.storeId ?? null,
    storeName: guide.storeId ? (names.stores.get(guide.storeId) ?? "") : "",
    state,
    stateLabel: CAMPAIGN_GUIDE_STATE_LABELS[state],
    failReason: guide.failReason ?? "",
    figures: (guide.figures ?? {}) as Record<string, number>,
    remindCount: guide.remindCount ?? 0,
    lastRemindedAt: iso(guide.lastRemindedAt),
    assignedAt: guide.assignedAt.toISOString(),
    doneAt: iso(guide.doneAt),
  };
}

/**
 * @param guide the stored part.
 * @param name the campaign's name.
 * @returns the row of the guide's own list.
 */
export function presentGuideCampaign(guide: CampaignGuideAttrs, name: string): PresentedGuideCampaign {
  const state = guide.state as CampaignGuideState;
  const kind = guide.kind as CampaignKind;
  return {
    kind,
    kindLabel: CAMPAIGN_KIND_LABELS[kind],
    campaignId: guide.campaignId,
    name,
    state,
    stateLabel: CAMPAIGN_GUIDE_STATE_LABELS[state],
    failReason: guide.failReason ?? "",
    figures: (guide.figures ?? {}) as Record<string, number>,
    remindCount: guide.remindCount ?? 0,
    assignedAt: guide.assignedAt.toISOString(),
    doneAt: iso(guide.doneAt),
  };
}
