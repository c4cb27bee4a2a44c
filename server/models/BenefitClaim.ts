import mongoose, { type InferSchemaType } from "mongoose";

/**
 * A benefit a member claimed. The _id is the redemption code a guide or store types or scans;
 * `slot` (`<benefit>:<member>:<period>:<n>`) is unique, so a member cannot claim beyond the
 * per-member quantity, also under concurrent requests.
 */
const benefitClaimSchema = new mongoose.Schema(
  {
    _id: { type: String, required: true },
    slot: { type: String, required: true, unique: true },
    benefitCode: { type: String, required: true },
    memberId: { type: mongoose.Schema.Types.ObjectId, required: true },
    levelCode: { type: String, required: true },
    status: { type: String, enum: ["claimed", "redeemed"], required: true, default: "claimed" },
    claimedAt: { type: Date, required: true },
    redeemBy: { type: Date, required: true },
    redeemedAt: { type: Date, default: null },
    redeemedByUserId: { type: String, default: null },
    storeId: { type: String, default: null },
  },
  { collection: "benefit_claims", versionKey: false },
);

benefitClaimSchema.index({ memberId: 1 });

export type BenefitClaimAttrs = InferSchemaType<typeof benefitClaimSchema>;
export const BenefitClaim = mongoose.model("BenefitClaim", benefitClaimSchema);
