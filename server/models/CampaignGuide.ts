import mongoose, { type InferSchemaType } from "mongoose";

export const CAMPAIGN_KINDS = ["moment", "mass"] as const;
export type CampaignKind = (typeof CAMPAIGN_KINDS)[number];

export const CAMPAIGN_GUIDE_STATES = ["assigned", "done", "failed", "cancelled"] as const;
export type CampaignGuideState = (typeof CAMPAIGN_GUIDE_STATES)[number];

/**
 * One guide's part in one campaign (a moment to publish, a mass message to send),
 * `_id` `<kind>:<campaignId>:<userId>`. The state moves assigned → done (published / sent),
 * assigned → failed (WeCom refused the guide: reason kept, a retry sets it assigned again with
 * the next attempt), or → cancelled. The campaign's counters (CampaignTally) follow every move
 * through server/commands/campaignCompletion.ts, never by counting these documents.
 */
const campaignGuideSchema = new mongoose.Schema(
  {
    _id: { type: String, required: true },
    kind: { type: String, enum: CAMPAIGN_KINDS, required: true },
    campaignId: { type: String, required: true },
    userId: { type: String, required: true },
    /** The guide's store (main department id) and its region (the store's parent department), when assigned. */
    storeId: { type: String, default: null },
    regionId: { type: String, default: null },
    state: { type: String, enum: CAMPAIGN_GUIDE_STATES, default: "assigned" },
    /** Counts up on each retry after a failure; the tallies key their moves by it. */
    attempt: { type: Number, default: 1 },
    assignedAt: { type: Date, required: true },
    doneAt: { type: Date, default: null },
    /** Why WeCom refused this guide (Chinese, shown to the operator). */
    failReason: { type: String, default: "" },
    /** What the kind's own sync learned for this guide: e.g. delivered/notFriend/capped, likes/comments. */
    figures: { type: mongoose.Schema.Types.Mixed, default: {} },
    remindCount: { type: Number, default: 0 },
    lastRemindedAt: { type: Date, default: null },
  },
  { collection: "campaign_guides", versionKey: false },
);

// A campaign's drill-down (who has not done it yet, by store), and a guide's own list of campaigns.
campaignGuideSchema.index({ kind: 1, campaignId: 1, state: 1, storeId: 1 });
campaignGuideSchema.index({ userId: 1, assignedAt: -1 });

export type CampaignGuideAttrs = InferSchemaType<typeof campaignGuideSchema> & { _id: string };
export const CampaignGuide = mongoose.model("CampaignGuide", campaignGuideSchema);

/**
 * @param kind moment or mass.
 * @param campaignId the campaign's id.
 * @param userId the guide.
 * @returns the document's _id.
 */
export const campaignGuideId = (kind: CampaignKind, campaignId: string, userId: string): string => `${kind}:${campaignId}:${userId}`;
