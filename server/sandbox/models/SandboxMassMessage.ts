import mongoose, { type InferSchemaType, type HydratedDocument } from "mongoose";

/** A 群发 mass message task (wecom-reference §4.9 add_msg_template). */
const sandboxMassMessageSchema = new mongoose.Schema(
  {
    /** = msgid. */
    _id: { type: String, default: function (this: { msgid: string }) { return this.msgid; } },
    msgid: { type: String, required: true, unique: true },
    /** single (to customers) or group (to groups). */
    chat_type: { type: String, default: "single" },
    external_userid: { type: [String], default: [] },
    chat_id_list: { type: [String], default: [] },
    sender: { type: String, default: "" },
    text: { type: String, default: "" },
    attachments: { type: [mongoose.Schema.Types.Mixed], default: [] },
    /** external_userids WeCom could not deliver to (no follow). */
    fail_list: { type: [String], default: [] },
    /** Unix seconds. */
    create_time: { type: Number, required: true },
    /** Unix seconds when the sender sends it (from the sandbox guide's habits, or 代发送 on the sandbox page); 0 = not decided. */
    send_time: { type: Number, default: 0 },
    /** remind_groupmsg_send calls (unix seconds), for its 3-per-24-hours limit. */
    remind_times: { type: [Number], default: [] },
    /** cancel_groupmsg_send: a sender who has not sent yet never will. */
    cancelled: { type: Boolean, default: false },
  },
  { collection: "sandbox_mass_messages", versionKey: false },
);

export type SandboxMassMessageAttrs = InferSchemaType<typeof sandboxMassMessageSchema>;
export type SandboxMassMessageDoc = HydratedDocument<SandboxMassMessageAttrs>;
export const SandboxMassMessage = mongoose.model("SandboxMassMessage", sandboxMassMessageSchema);
