import mongoose, { type InferSchemaType } from "mongoose";

export const MASS_STATUSES = ["draft", "scheduled", "planning", "dispatching", "sent", "cancelled", "failed"] as const;
export type MassStatus = (typeof MASS_STATUSES)[number];

export const MASS_AUDIENCES = ["segment", "tags", "groups"] as const;
export type MassAudienceKind = (typeof MASS_AUDIENCES)[number];

/** Which guide gets a customer several guides follow (wecom-reference §4.9: WeCom itself asks the one who last chatted). */
export const GUIDE_RULES = ["last_contact", "home_store", "first_added"] as const;
export type GuideRule = (typeof GUIDE_RULES)[number];

export const MASS_ATTACHMENT_KINDS = ["image", "video", "link", "miniprogram"] as const;

/** WeCom's bounds for add_msg_template (§4.9, §13). */
export const MASS_LIMITS = { textBytes: 4000, attachments: 9, customersPerTask: 10_000, groupsPerTask: 2000, remindsPer24h: 3 } as const;

const attachmentSchema = new mongoose.Schema(
  {
    kind: { type: String, enum: MASS_ATTACHMENT_KINDS, required: true },
    /** image/video (and a mini-program's cover): a MediaFile id, uploaded to WeCom when the task is created. */
    fileId: { type: String, default: null },
    title: { type: String, default: "" },
    url: { type: String, default: "" },
    desc: { type: String, default: "" },
    picUrl: { type: String, default: "" },
    appid: { type: String, default: "" },
    page: { type: String, default: "" },
  },
  { _id: false },
);

const audienceSchema = new mongoose.Schema(
  {
    kind: { type: String, enum: MASS_AUDIENCES, required: true },
    segmentId: { type: String, default: null },
    /** Customers with any of these corp tags. */
    tagIds: { type: [String], default: [] },
    /** Group owners whose groups receive it; empty = every active group. */
    ownerIds: { type: [String], default: [] },
  },
  { _id: false },
);

/** Who a mass message goes to. */
export interface MassAudience {
  kind: MassAudienceKind;
  segmentId?: string | null;
  tagIds: string[];
  ownerIds: string[];
}

/** A guide's share of the plan: how many chunk tasks and customers (or groups). */
const planEntrySchema = new mongoose.Schema({ userId: String, chunks: Number, recipients: Number }, { _id: false });

/**
 * A 群发 campaign. Planning writes the per-guide list here (`plan`) and one MassMessageTask per
 * guide and chunk keyed `<id>:<userId>:<chunk>`, so dispatch and sync read tasks by key and never
 * query the tasks collection by campaign (the embedded database scans such queries).
 */
const massMessageSchema = new mongoose.Schema(
  {
    name: { type: String, required: true },
    text: { type: String, default: "" },
    attachments: { type: [attachmentSchema], default: [] },
    audience: { type: audienceSchema, required: true },
    guideRule: { type: String, enum: GUIDE_RULES, default: "last_contact" },
    /** When it is handed to WeCom; null = as soon as it is sent. */
    sendAt: { type: Date, default: null },
    /** How many days the outcome is synced after dispatch. */
    syncDays: { type: Number, default: 7 },
    status: { type: String, enum: MASS_STATUSES, default: "draft" },
    failReason: { type: String, default: "" },
    plan: { type: [planEntrySchema], default: [] },
    progress: {
      /** Customers (or groups) planned, and audience members with no reachable guide. */
      planned: { type: Number, default: 0 },
      unreachable: { type: Number, default: 0 },
      guides: { type: Number, default: 0 },
      tasks: { type: Number, default: 0 },
      tasksCreated: { type: Number, default: 0 },
      tasksFailed: { type: Number, default: 0 },
    },
    /** From the latest sync: absolute totals over every task. */
    totals: {
      delivered: { type: Number, default: 0 },
      notFriend: { type: Number, default: 0 },
      capped: { type: Number, default: 0 },
      unsent: { type: Number, default: 0 },
      guidesSent: { type: Number, default: 0 },
    },
    plannedAt: { type: Date, default: null },
    dispatchedAt: { type: Date, default: null },
    syncedAt: { type: Date, default: null },
    /** WeCom reminders (remind_groupmsg_send), for its 3-per-24-hours limit. */
    remindedAt: { type: [{ type: Date }], default: [] },
    createdBy: { type: String, default: "" },
  },
  { collection: "mass_messages", timestamps: true, versionKey: false },
);

massMessageSchema.index({ createdAt: -1 });

export type MassMessageAttrs = Omit<InferSchemaType<typeof massMessageSchema>, "audience"> & { audience: MassAudience };
export type MassAttachment = InferSchemaType<typeof attachmentSchema>;
export const MassMessage = mongoose.model("MassMessage", massMessageSchema);
