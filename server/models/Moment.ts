import mongoose, { type HydratedDocument, type InferSchemaType } from "mongoose";
import { MOMENT_KINDS, MOMENT_LIMITS, MOMENT_STATUSES } from "../domain/momentRules.ts";

const linkSchema = new mongoose.Schema(
  { title: { type: String, required: true }, url: { type: String, required: true }, coverFileId: { type: String, default: null } },
  { _id: false },
);

/**
 * A customer moment (客户朋友圈) the brand asks guides to publish (wecom-reference §4.8). Media
 * are the media library's file ids; their WeCom media ids are fetched at send time. The
 * publishers stay as the operator chose them (departments, i.e. stores and regions, and guides
 * by name) and are resolved to guides when the task goes to WeCom.
 */
const momentSchema = new mongoose.Schema(
  {
    text: { type: String, default: "" },
    attachment: {
      type: new mongoose.Schema(
        {
          type: { type: String, enum: ["none", "images", "video", "link"], default: "none" },
          fileIds: { type: [String], default: [] },
          link: { type: linkSchema, default: null },
        },
        { _id: false },
      ),
      default: () => ({ type: "none", fileIds: [], link: null }),
    },
    kind: { type: String, enum: MOMENT_KINDS, required: true },
    publishers: {
      type: new mongoose.Schema({ departmentIds: { type: [Number], default: [] }, userIds: { type: [String], default: [] } }, { _id: false }),
      default: () => ({ departmentIds: [], userIds: [] }),
    },
    /** Corp tag ids of the customers who may see it; empty = all of the guides' customers. */
    visibleTagIds: { type: [String], default: [] },
    scheduledAt: { type: Date, required: true },
    /** China month (YYYY-MM) of scheduledAt: the month view and the content mix. */
    month: { type: String, required: true },
    syncDays: { type: Number, default: MOMENT_LIMITS.syncDaysDefault },
    status: { type: String, enum: MOMENT_STATUSES, default: "draft" },
    /** add_moment_task's jobid, stored before polling: without it the task's result is lost. */
    jobId: { type: String, default: null },
    jobIdAt: { type: Date, default: null },
    momentId: { type: String, default: null },
    /** Guides the task went to (resolved at send time). */
    senderUserIds: { type: [String], default: [] },
    invalidUserIds: { type: [String], default: [] },
    invalidDepartmentIds: { type: [Number], default: [] },
    invalidTagIds: { type: [String], default: [] },
    /**
     * Later tasks for guides who failed the first time (invalid senders the operator fixed in
     * WeCom), each its own add_moment_task with its own jobid and moment_id; the moment's
     * completion, sync and cancel cover them all.
     */
    retries: {
      type: [
        new mongoose.Schema(
          {
            _id: { type: String, required: true },
            userIds: { type: [String], default: [] },
            status: { type: String, enum: ["pending", "sent", "failed"], default: "pending" },
            jobId: { type: String, default: null },
            jobIdAt: { type: Date, default: null },
            momentId: { type: String, default: null },
            failReason: { type: String, default: "" },
            at: { type: Date, required: true },
          },
          { _id: false },
        ),
      ],
      default: [],
    },
    /** Why the task failed or is waiting (Chinese). */
    failReason: { type: String, default: "" },
    sentAt: { type: Date, default: null },
    cancelledAt: { type: Date, default: null },
    lastSyncedAt: { type: Date, default: null },
    nextSyncAt: { type: Date, default: null },
    totals: {
      type: new mongoose.Schema({ published: { type: Number, default: 0 }, likes: { type: Number, default: 0 }, comments: { type: Number, default: 0 } }, { _id: false }),
      default: () => ({ published: 0, likes: 0, comments: 0 }),
    },
    /**
     * The content-mix count this moment holds in MomentMonth, and a change not yet applied there
     * (set with the moment's own write, cleared once counted), so a crash between the two is
     * settled by the next write instead of drifting.
     */
    mix: {
      type: new mongoose.Schema(
        {
          counted: { type: new mongoose.Schema({ month: String, kind: String }, { _id: false }), default: null },
          pending: { type: new mongoose.Schema({ month: String, kind: String, rev: String }, { _id: false }), default: null },
        },
        { _id: false },
      ),
      default: () => ({ counted: null, pending: null }),
    },
    createdBy: { type: String, default: "" },
  },
  { collection: "moments", timestamps: true, versionKey: false },
);

// The list and month view (by month, newest first; filtered by status or kind).
momentSchema.index({ month: 1, scheduledAt: -1 });
momentSchema.index({ status: 1, scheduledAt: -1 });

export type MomentAttrs = InferSchemaType<typeof momentSchema>;
export type MomentDoc = HydratedDocument<MomentAttrs>;
export const Moment = mongoose.model("Moment", momentSchema);
