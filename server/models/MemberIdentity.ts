import mongoose, { type InferSchemaType } from "mongoose";

export const IDENTITY_KINDS = ["unionid", "phone", "customer", "buyer"] as const;
export type IdentityKind = (typeof IDENTITY_KINDS)[number];

/**
 * One way to recognise a member: `unionid:<id>`, `phone:<hmac>`, `customer:<external_userid>`
 * or `buyer:<channel>:<buyer id>`. The key is the _id, so matching is one unique lookup and two
 * members can never claim the same phone or unionid.
 */
const identitySchema = new mongoose.Schema(
  {
    _id: { type: String, required: true },
    kind: { type: String, enum: IDENTITY_KINDS, required: true },
    memberId: { type: mongoose.Schema.Types.ObjectId, required: true },
    /** How it was established: order, wecom, guide_binding, merge. */
    via: { type: String, required: true },
    byUserId: { type: String, default: null },
    at: { type: Date, required: true },
  },
  { collection: "member_identities", versionKey: false },
);

identitySchema.index({ memberId: 1 });

export type MemberIdentityAttrs = InferSchemaType<typeof identitySchema>;
export const MemberIdentity = mongoose.model("MemberIdentity", identitySchema);
