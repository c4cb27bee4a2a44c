import mongoose, { type InferSchemaType, type HydratedDocument } from "mongoose";

/** The `_id` of the follow of one customer by one member. */
export function sandboxFollowId(externalUserId: string, userId: string): string {
  return `${externalUserId}|${userId}`;
}

/**
 * A customer × member relationship (WeCom's follow_user): exists after an add, removed on delete.
 * Also holds the welcome code WeCom issued with the add_external_contact event.
 */
const sandboxFollowSchema = new mongoose.Schema(
  {
    /** = `${external_userid}|${userid}` (see sandboxFollowId). */
    _id: {
      type: String,
      default: function (this: { external_userid: string; userid: string }) {
        return sandboxFollowId(this.external_userid, this.userid);
      },
    },
    external_userid: { type: String, required: true },
    userid: { type: String, required: true },
    remark: { type: String, default: "" },
    description: { type: String, default: "" },
    remark_corp_name: { type: String, default: "" },
    remark_mobiles: { type: [String], default: [] },
    /** Unix seconds. */
    createtime: { type: Number, required: true },
    /** Corp tag ids (SandboxTagGroup tag.id). */
    tags: { type: [String], default: [] },
    /** The contact way's state the customer came through. */
    state: { type: String, default: "" },
    /** wecom-reference §4.1: 1 QR code, 0 unknown, ... */
    add_way: { type: Number, default: 1 },
    oper_userid: { type: String, default: "" },
    /** The WelcomeCode sent with add_external_contact; send_welcome_msg accepts it once, 20 s. */
    welcome_code: { type: String, default: null },
    welcome_code_expires_at: { type: Date, default: null },
    welcome_code_used: { type: Boolean, default: false },
  },
  { collection: "sandbox_follows", versionKey: false },
);

sandboxFollowSchema.index({ external_userid: 1, userid: 1 }, { unique: true });
sandboxFollowSchema.index({ welcome_code: 1 });

export type SandboxFollowAttrs = InferSchemaType<typeof sandboxFollowSchema>;
export type SandboxFollowDoc = HydratedDocument<SandboxFollowAttrs>;
export const SandboxFollow = mongoose.model("SandboxFollow", sandboxFollowSchema);
