import crypto from "node:crypto";
import mongoose, { type InferSchemaType, type HydratedDocument } from "mongoose";

/** A customer group holds at most this many members (WeCom's limit for customer groups). */
export const SANDBOX_GROUP_CAPACITY = 200;

const sandboxGroupMemberSchema = new mongoose.Schema(
  {
    userid: { type: String, required: true },
    /** 1 corp member, 2 external contact. */
    type: { type: Number, required: true },
    /** Unix seconds. */
    join_time: { type: Number, required: true },
    /** 1 invited directly, 2 invited by link, 3 scanned a QR code. */
    join_scene: { type: Number, default: 1 },
    invitor: { type: String, default: "" },
    group_nickname: { type: String, default: "" },
    name: { type: String, default: "" },
    unionid: { type: String, default: "" },
    /** The join way's state when the member came in through one (groupchat/get, wecom-reference §4.6). */
    state: { type: String, default: "" },
  },
  { _id: false },
);

/** A customer group (wecom-reference §4.6 groupchat/get). */
const sandboxGroupSchema = new mongoose.Schema(
  {
    /** = chat_id. */
    _id: { type: String, default: function (this: { chat_id: string }) { return this.chat_id; } },
    chat_id: { type: String, required: true, unique: true },
    name: { type: String, default: "" },
    owner: { type: String, required: true },
    /** Unix seconds. */
    create_time: { type: Number, required: true },
    notice: { type: String, default: "" },
    admin_list: { type: [new mongoose.Schema({ userid: String }, { _id: false })], default: [] },
    member_list: { type: [sandboxGroupMemberSchema], default: [] },
    /** Changes with every membership change; callbacks carry last/cur versions. */
    member_version: { type: String, default: "" },
    /** 0 normal, 1 left by owner (transfer pending), ... (groupchat/list status). */
    status: { type: Number, default: 0 },
    dismissed: { type: Boolean, default: false },
  },
  { collection: "sandbox_groups", versionKey: false },
);

export type SandboxGroupAttrs = InferSchemaType<typeof sandboxGroupSchema>;
export type SandboxGroupDoc = HydratedDocument<SandboxGroupAttrs>;
export const SandboxGroup = mongoose.model("SandboxGroup", sandboxGroupSchema);

/** A group member as stored (see the schema). */
export interface SandboxGroupMemberInput {
  userid: string;
  type: 1 | 2;
  join_time: number;
  join_scene?: number;
  invitor?: string;
  group_nickname?: string;
  name?: string;
  unionid?: string;
  state?: string;
}

/** What {@link addSandboxGroupMember} did. */
export type GroupJoinOutcome =
  | { status: "added"; last_mem_ver: string; cur_mem_ver: string; member_count: number }
  | { status: "full" | "already_in" | "not_found" };

/** A new member_version (WeCom's look like 32 hex characters). */
export function newMemberVersion(): string {
  return crypto.randomBytes(16).toString("hex");
}

/**
 * Add a member to a group unless it is full ({@link SANDBOX_GROUP_CAPACITY}), dismissed or the
 * member is in already; one atomic update, so two joins cannot both take the last seat.
 *
 * @param chatId the group.
 * @param member who joins.
 * @returns the versions for the update/add_member callback, or why nothing changed.
 */
export async function addSandboxGroupMember(chatId: string, member: SandboxGroupMemberInput): Promise<GroupJoinOutcome> {
  const version = newMemberVersion();
  const before = await SandboxGroup.findOneAndUpdate(
    {
      _id: chatId,
      dismissed: { $ne: true },
      "member_list.userid": { $ne: member.userid },
      [`member_list.${SANDBOX_GROUP_CAPACITY - 1}`]: { $exists: false },
    },
    { $push: { member_list: member }, $set: { member_version: version } },
    { returnDocument: "before" },
  ).lean();
  if (before) {
    return { status: "added", last_mem_ver: before.member_version, cur_mem_ver: version, member_count: before.member_list.length + 1 };
  }
  const group = await SandboxGroup.findById(chatId).lean();
  if (!group || group.dismissed) {
    return { status: "not_found" };
  }
  if (group.member_list.some((existing) => existing.userid === member.userid)) {
    return { status: "already_in" };
  }
  return { status: "full" };
}

/**
 * Remove a member from a group.
 *
 * @param chatId the group.
 * @param userid the member's userid or external_userid.
 * @returns the versions for the update/del_member callback, or null when they were not in it.
 */
export async function removeSandboxGroupMember(chatId: string, userid: string): Promise<{ last_mem_ver: string; cur_mem_ver: string } | null> {
  const version = newMemberVersion();
  const before = await SandboxGroup.findOneAndUpdate(
    { _id: chatId, "member_list.userid": userid },
    { $pull: { member_list: { userid } }, $set: { member_version: version } },
    { returnDocument: "before" },
  ).lean();
  return before ? { last_mem_ver: before.member_version, cur_mem_ver: version } : null;
}
