import mongoose, { type InferSchemaType, type HydratedDocument } from "mongoose";

export const EVENT_STATUSES = ["pending", "processing", "done", "failed", "ignored"] as const;
export type EventStatus = (typeof EVENT_STATUSES)[number];

const eventSchema = new mongoose.Schema(
  {
    /** Unique per delivery: a retried callback lands on the same key and is stored once. */
    dedupeKey: { type: String, required: true, unique: true },
    /** change_external_contact, change_external_chat, change_external_tag, change_contact or other. */
    type: { type: String, required: true },
    changeType: { type: String },
    /** Events sharing a lane (one customer, one group, ...) are processed in order. */
    orderKey: { type: String, required: true },
    /** WeCom's CreateTime (unix seconds): the order within a lane. */
    createTime: { type: Number, required: true },
    source: { type: String, enum: ["wecom_callback", "wechaty", "internal"], default: "wecom_callback" },
    payload: { type: mongoose.Schema.Types.Mixed, required: true },
    /** The decrypted message as WeCom sent it. */
    raw: { type: String },
    status: { type: String, enum: EVENT_STATUSES, required: true, default: "pending" },
    attempts: { type: Number, default: 0 },
    nextAttemptAt: { type: Date, required: true },
    lastError: {
      type: new mongoose.Schema(
        { message: String, errcode: Number, path: String, at: Date, attempt: Number },
        { _id: false },
      ),
      default: null,
    },
    /** Why an authentic delivery is kept without being processed ("ChangeType: is not one we handle"). */
    ignoredReason: { type: String, default: null },
    receivedAt: { type: Date, required: true },
    processedAt: { type: Date, default: null },
  },
  { collection: "events", versionKey: false },
);

// For the console's event list; the processor reads events only by _id through their lane.
eventSchema.index({ status: 1, receivedAt: -1 });

export type EventAttrs = InferSchemaType<typeof eventSchema>;
export type EventDoc = HydratedDocument<EventAttrs>;
export const Event = mongoose.model("Event", eventSchema);
