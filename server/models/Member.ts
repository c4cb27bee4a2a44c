import mongoose, { type InferSchemaType } from "mongoose";

const levelChangeSchema = new mongoose.Schema(
  { from: String, to: String, at: Date, reason: String },
  { _id: false },
);

/** Metrics kept current on every order, so profiles and segments read them without joins. */
const metricsSchema = new mongoose.Schema(
  {
    totalSpent: { type: Number, default: 0 },
    orderCount: { type: Number, default: 0 },
    averageOrderValue: { type: Number, default: 0 },
    // No default: real MongoDB sorts null below dates, so $min would never replace a stored null.
    firstPurchaseAt: { type: Date },
    lastPurchaseAt: { type: Date, default: null },
    /** Recent purchase times (newest last, bounded) for repurchase windows and the next-purchase guess. */
    purchaseTimes: { type: [{ type: Date }], default: [] },
    /** The latest orders (oldest first, bounded) by id, so a profile reads them without a scan. */
    recentOrders: { type: [new mongoose.Schema({ orderId: String, paidAt: Date }, { _id: false })], default: [] },
  },
  { _id: false },
);

/**
 * One person's membership, unified across channels (WeCom, Tmall, JD, mini-program, store).
 * Money is in fen. Identities that lead here live in member_identities.
 */
const memberSchema = new mongoose.Schema(
  {
    memberNo: { type: String, required: true, unique: true },
    name: { type: String, default: "" },
    /** HMAC of the normalised phone, for matching; the phone itself is only stored encrypted. */
    phoneHash: { type: String, default: null },
    phoneEncrypted: { type: String, default: null },
    phoneMasked: { type: String, default: "" },
    unionid: { type: String, default: null },
    externalUserIds: { type: [String], default: [] },
    /** Corp tags over all the member's follows (kept by memberLinkRefresher), for segments. */
    tagIds: { type: [String], default: [] },
    /** Guides who follow the member (active follows). */
    guideUserIds: { type: [String], default: [] },
    /**
     * The guide first linked to the member within a week of joining: their recruit, counted once
     * into their completion day (`counted` set after the count, so a crash between is counted again).
     */
    recruitedBy: { type: new mongoose.Schema({ userId: String, at: Date, counted: Boolean }, { _id: false }), default: null },
    /** Customer groups the member is in. */
    groupChatIds: { type: [String], default: [] },
    /** The store of the member's first order that named one. */
    homeStoreId: { type: String, default: null },
    /** When the person became a member (business clock; createdAt is the database's). */
    joinedAt: { type: Date, default: null },
    /** Where the member first came from (tmall, jd, miniprogram, store, wecom). */
    sourceChannel: { type: String, default: "" },
    birthday: { type: String, default: null },
    levelCode: { type: String, required: true },
    levelValidUntil: { type: Date, default: null },
    levelChanges: { type: [levelChangeSchema], default: [] },
    growth: { type: Number, default: 0 },
    points: { type: Number, default: 0 },
    metrics: { type: metricsSchema, default: () => ({}) },
    /** Set when this member was merged into another; undoing the merge clears it. */
    mergedInto: { type: mongoose.Schema.Types.ObjectId, default: null },
  },
  { collection: "members", timestamps: true, versionKey: false },
);

memberSchema.index({ levelCode: 1 });
memberSchema.index({ joinedAt: -1 });
memberSchema.index({ "metrics.lastPurchaseAt": -1 });

export type MemberAttrs = InferSchemaType<typeof memberSchema>;
export const Member = mongoose.model("Member", memberSchema);
