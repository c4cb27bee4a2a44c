import mongoose, { type InferSchemaType, type HydratedDocument } from "mongoose";

/** A 朋友圈 moment task (wecom-reference §4.8 add_moment_task / get_moment_task_result). */
const sandboxMomentSchema = new mongoose.Schema(
  {
    /** = jobid. */
    _id: { type: String, default: function (this: { jobid: string }) { return this.jobid; } },
    jobid: { type: String, required: true, unique: true },
    moment_id: { type: String, required: true },
    text: { type: String, default: "" },
    attachments: { type: [mongoose.Schema.Types.Mixed], default: [] },
    visible_range: { type: mongoose.Schema.Types.Mixed, default: null },
    /** Members asked to publish it. */
    user_list: { type: [String], default: [] },
    /** Senders and tags of the visible range that WeCom could not use (get_moment_task_result). */
    invalid_user_list: { type: [String], default: [] },
    invalid_tag_list: { type: [String], default: [] },
    /** Unix seconds. */
    create_time: { type: Number, required: true },
  },
  { collection: "sandbox_moments", versionKey: false },
);

export type SandboxMomentAttrs = InferSchemaType<typeof sandboxMomentSchema>;
export type SandboxMomentDoc = HydratedDocument<SandboxMomentAttrs>;
export const SandboxMoment = mongoose.model("SandboxMoment", sandboxMomentSchema);
