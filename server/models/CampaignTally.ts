import mongoose, { type InferSchemaType } from "mongoose";
import { CAMPAIGN_KINDS, type CampaignKind } from "./CampaignGuide.ts";

/** The counters a tally keeps. */
export const TALLY_COUNTERS = ["assigned", "done", "failed", "cancelled"] as const;

/**
 * A campaign's completion counters at one level a view reads, `_id` `<kind>:<campaignId>:<scope>`
 * with scope `all`, `store:<departmentId>` or `region:<departmentId>`. Kept on write by
 * server/commands/campaignCompletion.ts: each move of a guide is pushed into `keys` in the same
 * conditional update that counts it, so a move replayed after a crash or a retried sync never
 * counts twice.
 */
const campaignTallySchema = new mongoose.Schema(
  {
    _id: { type: String, required: true },
    kind: { type: String, enum: CAMPAIGN_KINDS, required: true },
    campaignId: { type: String, required: true },
    scope: { type: String, required: true },
    storeId: { type: String, default: null },
    regionId: { type: String, default: null },
    assigned: { type: Number, default: 0 },
    done: { type: Number, default: 0 },
    failed: { type: Number, default: 0 },
    cancelled: { type: Number, default: 0 },
    keys: { type: [String], default: [] },
  },
  { collection: "campaign_tallies", versionKey: false },
);

// One campaign's tallies (all, each store, each region): tens of documents, read together.
campaignTallySchema.index({ kind: 1, campaignId: 1 });

export type CampaignTallyAttrs = InferSchemaType<typeof campaignTallySchema> & { _id: string };
export const CampaignTally = mongoose.model("CampaignTally", campaignTallySchema);

/**
 * @param kind moment or mass.
 * @param campaignId the campaign.
 * @param scope all, store:<id> or region:<id>.
 * @returns the tally's _id.
 */
export const campaignTallyId = (kind: CampaignKind, campaignId: string, scope: string): string => `${kind}:${campaignId}:${scope}`;
