import mongoose, { type InferSchemaType } from "mongoose";

export const MASS_TASK_STATES = ["planned", "sending", "created", "failed", "cancelled"] as const;
export type MassTaskState = (typeof MASS_TASK_STATES)[number];

/**
 * One add_msg_template call: a guide's chunk of ≤10,000 customers (or ≤2,000 groups).
 * `_id` `<massMessageId>:<userId>:<chunk>`. planned → sending (claimed just before the call) →
 * created (msgid stored first) or failed (reason); a task found "sending" after a crash is
 * reconciled against get_groupmsg_list_v2 before anything is sent again.
 */
const massMessageTaskSchema = new mongoose.Schema(
  {
    _id: { type: String, required: true },
    massMessageId: { type: String, required: true },
    userId: { type: String, required: true },
    chunk: { type: Number, required: true },
    chatType: { type: String, enum: ["single", "group"], required: true },
    /** external_userids (single) or chat ids (group). */
    recipients: { type: [String], default: [] },
    state: { type: String, enum: MASS_TASK_STATES, default: "planned" },
    claimedAt: { type: Date, default: null },
    msgid: { type: String, default: null },
    createdAt: { type: Date, default: null },
    /** Recipients WeCom refused at creation (fail_list). */
    failList: { type: [String], default: [] },
    failReason: { type: String, default: "" },
    /** The guide's status from get_groupmsg_task: 0 unsent, 2 sent. */
    sendStatus: { type: Number, default: 0 },
    figures: {
      delivered: { type: Number, default: 0 },
      notFriend: { type: Number, default: 0 },
      capped: { type: Number, default: 0 },
      unsent: { type: Number, default: 0 },
    },
    syncedAt: { type: Date, default: null },
  },
  { collection: "mass_message_tasks", versionKey: false },
);

export type MassMessageTaskAttrs = InferSchemaType<typeof massMessageTaskSchema> & { _id: string };
export const MassMessageTask = mongoose.model("MassMessageTask", massMessageTaskSchema);

/**
 * @param massMessageId the campaign.
 * @param userId the guide.
 * @param chunk the chunk number from 0.
 * @returns the task's _id.
 */
export const massTaskId = (massMessageId: string, userId: string, chunk: number): string => `${massMessageId}:${userId}:${chunk}`;
