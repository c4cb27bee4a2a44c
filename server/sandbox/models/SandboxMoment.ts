import mongoose, { type InferSchemaType, type HydratedDocument } from "mongoose";

/** When one member publishes the task in their client (unix seconds; 0 = has not decided to). */
const publishSchema = new mongoose.Schema({ userid: { type: String, required: true }, publish_time: { type: Number, default: 0 } }, { _id: false });

/** A 朋友圈 moment task (wecom-reference §4.8 add_moment_task / get_moment_task_result / get_moment_task). */
const sandboxMomentSchema = new mongoose.Schema(
  {
    /** = jobid. */
    _id: { type: String, default: function (this: { jobid: string }) { return this.jobid; } },
    jobid: { type: String, required: true, unique: true },
    moment_id: { type: String, required: true, index: true },
    text: { type: String, default: "" },
    attachments: { type: [mongoose.Schema.Types.Mixed], default: [] },
    visible_range: { type: mongoose.Schema.Types.Mixed, default: null },
    /** Members asked to publish it. */
    user_list: { type: [String], default: [] },
    /**
     * Each member's publishing, filled at add_moment_task from the sandbox guides' habits
     * (server/sandbox/guideBehaviour.ts); the sandbox page's 代发表 sets publish_time to now.
     */
    publish_list: { type: [publishSchema], default: [] },
    /** Senders and tags of the visible range that WeCom could not use (get_moment_task_result). */
    invalid_user_list: { type: [String], default: [] },
    invalid_tag_list: { type: [String], default: [] },
    /** Unix seconds. */
    create_time: { type: Number, required: true },
    /** Unix seconds of cancel_moment_task (0 = not cancelled): nobody publishes after it. */
    cancel_time: { type: Number, default: 0 },
  },
  { collection: "sandbox_moments", versionKey: false },
);

export type SandboxMomentAttrs = InferSchemaType<typeof sandboxMomentSchema>;
export type SandboxMomentDoc = HydratedDocument<SandboxMomentAttrs>;
export const SandboxMoment = mongoose.model("SandboxMoment", sandboxMomentSchema);
