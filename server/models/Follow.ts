import mongoose, { type InferSchemaType, type HydratedDocument } from "mongoose";

export const FOLLOW_STATUSES = ["active", "deleted_by_customer", "deleted_by_employee", "transferred"] as const;
export type FollowStatus = (typeof FOLLOW_STATUSES)[number];

/** The relationship customer × employee (WeCom's follow_user): each pair has its own remark and tags. */
const followSchema = new mongoose.Schema(
  {
    externalUserId: { type: String, required: true },
    userId: { type: String, required: true },
    remark: { type: String, default: "" },
    description: { type: String, default: "" },
    /** Contact-way state (channel code) the customer came through. */
    state: { type: String, default: "" },
    /** WeCom add_way (wecom-reference §4.1). */
    addWay: { type: Number, default: 0 },
    operUserId: { type: String, default: "" },
    tagIds: { type: [String], default: [] },
    addedAt: { type: Date, default: null },
    status: { type: String, enum: FOLLOW_STATUSES, required: true, default: "active" },
    statusChangedAt: { type: Date, default: null },
    /** Set when the deletion was an on-job transfer (Source=DELETE_BY_TRANSFER). */
    deletedByTransfer: { type: Boolean, default: false },
    transferFailure: {
      type: new mongoose.Schema({ reason: String, at: Date }, { _id: false }),
      default: null,
    },
  },
  { collection: "follows", timestamps: true, versionKey: false },
);

followSchema.index({ externalUserId: 1, userId: 1 }, { unique: true });
followSchema.index({ userId: 1, status: 1 });

export type FollowAttrs = InferSchemaType<typeof followSchema>;
export type FollowDoc = HydratedDocument<FollowAttrs>;
export const Follow = mongoose.model("Follow", followSchema);
