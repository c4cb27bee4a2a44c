import mongoose, { type InferSchemaType, type HydratedDocument } from "mongoose";

const customerSchema = new mongoose.Schema(
  {
    externalUserId: { type: String, required: true, unique: true },
    name: { type: String, default: "" },
    avatar: { type: String, default: "" },
    /** 1 WeChat user, 2 WeCom user of another corp. */
    wecomType: { type: Number, default: 1 },
    /** 0 unknown, 1 male, 2 female. */
    gender: { type: Number, default: 0 },
    /** Links the customer across the brand's WeChat properties; personal data, never logged. */
    unionid: { type: String, default: null },
    corpName: { type: String, default: "" },
    position: { type: String, default: "" },
    syncedAt: { type: Date, default: null },
    /** Customer groups the customer is in (kept by the group events), read by the sidebar by key. */
    groupChatIds: { type: [String], default: [] },
    /** Guides' latest notes (newest last, bounded), so the sidebar reads them by key. */
    recentNoteIds: { type: [mongoose.Schema.Types.ObjectId], default: [] },
  },
  { collection: "customers", timestamps: true, versionKey: false },
);

customerSchema.index({ unionid: 1 }, { sparse: true });

export type CustomerAttrs = InferSchemaType<typeof customerSchema>;
export type CustomerDoc = HydratedDocument<CustomerAttrs>;
export const Customer = mongoose.model("Customer", customerSchema);
