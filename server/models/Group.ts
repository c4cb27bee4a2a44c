import mongoose, { type InferSchemaType, type HydratedDocument } from "mongoose";

const memberSchema = new mongoose.Schema(
  {
    /** userid for employees, external_userid for customers. */
    id: { type: String, required: true },
    type: { type: String, enum: ["employee", "customer"], required: true },
    /**
     * WeCom's number as reported: groupchat/get says 1 direct invite, 2 invite link, 3 group QR;
     * an add_member event says 0 invited by a member, 3 group QR. The scales share only 3.
     */
    joinScene: { type: Number, default: null },
    joinedAt: { type: Date, default: null },
    invitorId: { type: String, default: null },
    groupNickname: { type: String, default: "" },
    name: { type: String, default: "" },
    /** Join-way state the member came through. */
    state: { type: String, default: "" },
    status: { type: String, enum: ["in", "left"], required: true, default: "in" },
    /** 0 left by themselves, 1 removed by owner or admin. */
    quitScene: { type: Number, default: null },
    leftAt: { type: Date, default: null },
  },
  { _id: false },
);

const groupSchema = new mongoose.Schema(
  {
    chatId: { type: String, required: true, unique: true },
    name: { type: String, default: "" },
    ownerId: { type: String, default: "" },
    notice: { type: String, default: "" },
    adminIds: { type: [String], default: [] },
    createdAtWeCom: { type: Date, default: null },
    /** WeCom's member_version: a delta applies only on top of the version it was cut from. */
    memberVersion: { type: String, default: null },
    status: { type: String, enum: ["active", "dismissed"], default: "active" },
    dismissedAt: { type: Date, default: null },
    members: { type: [memberSchema], default: [] },
    syncedAt: { type: Date, default: null },
  },
  { collection: "groups", timestamps: true, versionKey: false },
);

groupSchema.index({ ownerId: 1 });
groupSchema.index({ "members.id": 1 });

export type GroupAttrs = InferSchemaType<typeof groupSchema>;
export type GroupMemberAttrs = InferSchemaType<typeof memberSchema>;
export type GroupDoc = HydratedDocument<GroupAttrs>;
export const Group = mongoose.model("Group", groupSchema);
