import mongoose, { type InferSchemaType } from "mongoose";
import { TASK_KINDS, TASK_RESULTS, TASK_STATES } from "../domain/tasks.ts";

/**
 * One thing a guide should do for one customer, `_id` `<kind>:<subject>:<occasion>` (e.g.
 * `birthday:<memberId>:2026`, `benefitExpiring:<claim slot>:<expiry day>`, `greeting:<externalUserId>:<userId>`):
 * one task per member and occasion, so a rerun of the daily job or a second process inserts
 * nothing new. Moves are conditional updates on `state`; every move is counted into the
 * completion rollups (CompletionDay) by server/commands/completionRollup.ts.
 */
const taskSchema = new mongoose.Schema(
  {
    _id: { type: String, required: true },
    kind: { type: String, enum: TASK_KINDS, required: true },
    /** The guide who should do it (the member's active follow), and their store and region then. */
    userId: { type: String, required: true },
    storeId: { type: String, default: null },
    regionId: { type: String, default: null },
    externalUserId: { type: String, required: true },
    memberId: { type: String, default: null },
    /** What it is about, in the words the sidebar shows (e.g. 生日 12月8日, 银卡专享券 3 天后过期). */
    title: { type: String, required: true },
    /** The suggested message, the brand's template filled for this member. */
    suggestion: { type: String, default: "" },
    /** The purchase a silent or repurchaseDue task is measured from: a later order closes it. */
    basisAt: { type: Date, default: null },
    /** The values the template was filled with (benefit name, level, amount to the next level…). */
    context: { type: mongoose.Schema.Types.Mixed, default: {} },
    /** When it should be done by, and its China day (YYYY-MM-DD): the day it counts on. */
    dueAt: { type: Date, required: true },
    dueDay: { type: String, required: true },
    state: { type: String, enum: TASK_STATES, default: "open" },
    result: { type: String, enum: [...TASK_RESULTS, null], default: null },
    doneAt: { type: Date, default: null },
    doneOnTime: { type: Boolean, default: null },
    /** Why it closed itself (Chinese): 已复购, 权益已核销, 客户已删除… */
    closedReason: { type: String, default: "" },
    createdAt: { type: Date, required: true },
    /** Counted as due and noted open (taskInserter): a rerun recounts only a task a crash left false. */
    counted: { type: Boolean, default: false },
    remindCount: { type: Number, default: 0 },
    lastRemindedAt: { type: Date, default: null },
  },
  { collection: "tasks", versionKey: false },
);

// A guide's list (open first by due time), a customer's open tasks (closing and auto-done), a
// store's undone tasks of a day (the managers' drill-down).
taskSchema.index({ userId: 1, state: 1, dueAt: 1 });
taskSchema.index({ externalUserId: 1, state: 1 });
taskSchema.index({ memberId: 1, state: 1 });
taskSchema.index({ storeId: 1, dueDay: 1, state: 1 });

export type TaskAttrs = InferSchemaType<typeof taskSchema> & { _id: string };
export const Task = mongoose.model("Task", taskSchema);
