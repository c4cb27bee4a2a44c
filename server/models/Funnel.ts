import mongoose, { type InferSchemaType } from "mongoose";

export const FUNNEL_GROUP_KINDS = ["wecom", "image"] as const;
export type FunnelGroupKind = (typeof FUNNEL_GROUP_KINDS)[number];

/**
 * One group in a funnel's pool: a customer group the app manages (listed in the funnel's join
 * way), or a group QR image an operator uploaded for a group the app cannot manage.
 */
const poolGroupSchema = new mongoose.Schema(
  {
    /** chat id for "wecom"; "img:<file id>" for an image, so both kinds share one key space. */
    key: { type: String, required: true },
    kind: { type: String, enum: FUNNEL_GROUP_KINDS, required: true },
    /** Optional for an image: when given, its members are counted from the group's events. */
    chatId: { type: String, default: null },
    name: { type: String, default: "" },
    memberCount: { type: Number, default: 0 },
    joins: { type: Number, default: 0 },
    /** GridFS file id of an uploaded QR. */
    imageId: { type: String, default: null },
    /** An uploaded group QR lasts 7 days (wecom-reference 4.7); it is not shown after this. */
    expiresAt: { type: Date, default: null },
    dismissed: { type: Boolean, default: false },
  },
  { _id: false },
);

const joinWaySchema = new mongoose.Schema(
  {
    configId: { type: String, default: null },
    /** From get_join_way: add_join_way answers with the config id only. */
    qrCode: { type: String, default: "" },
    autoCreateRoom: { type: Boolean, default: false },
    roomBaseName: { type: String, default: "" },
    roomBaseId: { type: Number, default: 1 },
    /** What WeCom's chat_id_list should be (≤5). */
    chatIds: { type: [String], default: [] },
    /** The rotation version WeCom last accepted; behind rotationVersion means a sync is owed. */
    syncedVersion: { type: Number, default: 0 },
  },
  { _id: false },
);

const funnelSchema = new mongoose.Schema(
  {
    slug: { type: String, required: true, unique: true },
    name: { type: String, required: true },
    landingText: { type: String, default: "" },
    landingImageUrl: { type: String, default: "" },
    threshold: { type: Number, default: 180 },
    /** Warn when fewer usable groups than this remain. */
    lowPoolWarning: { type: Number, default: 1 },
    paused: { type: Boolean, default: false },
    /** Join-way state (≤30): comes back on the members WeCom lets in through it. */
    state: { type: String, required: true, unique: true },
    joinWay: { type: joinWaySchema, default: null },
    groups: { type: [poolGroupSchema], default: [] },
    /** The uploaded QR shown while no managed group can take members. */
    currentImageKey: { type: String, default: null },
    /** Raised by every rotation with a conditional update, so concurrent joins rotate once. */
    rotationVersion: { type: Number, default: 0 },
    warning: {
      type: new mongoose.Schema({ usable: Number, at: Date, notifiedAt: { type: Date, default: null } }, { _id: false }),
      default: null,
    },
    stats: {
      type: new mongoose.Schema({ visits: { type: Number, default: 0 }, visitors: { type: Number, default: 0 }, joins: { type: Number, default: 0 } }, { _id: false }),
      default: () => ({}),
    },
  },
  { collection: "funnels", timestamps: true, versionKey: false, minimize: false },
);

export type FunnelAttrs = InferSchemaType<typeof funnelSchema>;
export type PoolGroupAttrs = InferSchemaType<typeof poolGroupSchema>;
export type StoredFunnel = FunnelAttrs & { _id: mongoose.Types.ObjectId; createdAt: Date; updatedAt: Date };
export const Funnel = mongoose.model("Funnel", funnelSchema);

/** Which funnel a group belongs to, keyed by chat id: a group event finds its funnel by key. */
const funnelChatSchema = new mongoose.Schema(
  { _id: { type: String, required: true }, funnelId: { type: mongoose.Schema.Types.ObjectId, required: true } },
  { collection: "funnel_chats", versionKey: false },
);
export const FunnelChat = mongoose.model("FunnelChat", funnelChatSchema);

/** One counted join (funnel:chat:member:version): a retried event inserts nothing and counts nothing. */
const funnelJoinSchema = new mongoose.Schema(
  { _id: { type: String, required: true }, funnelId: { type: mongoose.Schema.Types.ObjectId, required: true }, at: Date },
  { collection: "funnel_joins", versionKey: false },
);
export const FunnelJoin = mongoose.model("FunnelJoin", funnelJoinSchema);
