import mongoose, { type InferSchemaType, type HydratedDocument } from "mongoose";

export const CHANNEL_CODE_TYPES = ["single", "multi", "store"] as const;
export type ChannelCodeType = (typeof CHANNEL_CODE_TYPES)[number];
export const SKIP_VERIFY_MODES = ["always", "never", "window"] as const;
export const ATTACHMENT_TYPES = ["image", "link", "miniprogram"] as const;
/** pending: stored, WeCom not yet asked (or its answer not yet stored); active: WeCom holds it. */
export const CHANNEL_CODE_STATUSES = ["pending", "active"] as const;

const slotSchema = new mongoose.Schema({ day: { type: Number, required: true }, start: { type: String, required: true }, end: { type: String, required: true } }, { _id: false });

const guideSchema = new mongoose.Schema(
  { userId: { type: String, required: true }, slots: { type: [slotSchema], default: [] }, holidays: { type: [String], default: [] } },
  { _id: false },
);

const attachmentSchema = new mongoose.Schema(
  {
    type: { type: String, enum: ATTACHMENT_TYPES, required: true },
    /** image, and a mini-program's cover: a WelcomeImage id. */
    imageId: { type: String, default: null },
    title: { type: String, default: null },
    url: { type: String, default: null },
    desc: { type: String, default: null },
    picUrl: { type: String, default: null },
    appid: { type: String, default: null },
    page: { type: String, default: null },
  },
  { _id: false },
);

/** A channel live code (渠道活码): WeCom's 「联系我」 contact way plus what we do when someone adds through it. */
const channelCodeSchema = new mongoose.Schema(
  {
    name: { type: String, required: true },
    channel: { type: String, default: "" },
    type: { type: String, enum: CHANNEL_CODE_TYPES, required: true },
    /** For a store code: the store (department id as a string) whose guides answer. */
    storeId: { type: String, default: null },
    guides: { type: [guideSchema], default: [] },
    backupGuides: { type: [String], default: [] },
    dailyCap: { type: Number, default: null },
    skipVerify: {
      type: new mongoose.Schema({ mode: { type: String, enum: SKIP_VERIFY_MODES, required: true }, start: { type: String, default: null }, end: { type: String, default: null } }, { _id: false }),
      default: () => ({ mode: "always" }),
    },
    welcome: {
      type: new mongoose.Schema({ text: { type: String, default: "" }, attachments: { type: [attachmentSchema], default: [] } }, { _id: false }),
      default: () => ({ text: "", attachments: [] }),
    },
    tagIds: { type: [String], default: [] },
    /** Echoed by WeCom on add_external_contact and on the follow: how an add finds its code. */
    state: { type: String, required: true, unique: true },
    status: { type: String, enum: CHANNEL_CODE_STATUSES, default: "pending" },
    configId: { type: String, default: null },
    qrCode: { type: String, default: null },
    /** What WeCom holds now, so the schedule calls it only when this would change. */
    applied: {
      type: new mongoose.Schema({ userIds: { type: [String], default: [] }, skipVerify: { type: Boolean, default: true }, remark: { type: String, default: "" } }, { _id: false }),
      default: null,
    },
    nextSwitchAt: { type: Date, default: null },
    /** Set when the last guide left the company: the code needs an operator. */
    lostLastGuideAt: { type: Date, default: null },
  },
  { collection: "channel_codes", timestamps: true, versionKey: false },
);

export type ChannelCodeAttrs = InferSchemaType<typeof channelCodeSchema>;
export type ChannelCodeDoc = HydratedDocument<ChannelCodeAttrs>;
export const ChannelCode = mongoose.model("ChannelCode", channelCodeSchema);
