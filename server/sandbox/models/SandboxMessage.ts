import mongoose, { type InferSchemaType, type HydratedDocument } from "mongoose";

export const SANDBOX_MESSAGE_KINDS = ["chat", "welcome", "sent_by_sidebar"] as const;
export type SandboxMessageKind = (typeof SANDBOX_MESSAGE_KINDS)[number];

/** One line of a fake chat window's transcript (customer × member). */
const sandboxMessageSchema = new mongoose.Schema(
  {
    /** Who wrote it: the external_userid or the userid. */
    from: { type: String, required: true },
    to: { type: String, required: true },
    external_userid: { type: String, required: true },
    userid: { type: String, required: true },
    text: { type: String, default: "" },
    /** Non-text parts (welcome message attachments) as WeCom received them. */
    attachments: { type: [mongoose.Schema.Types.Mixed], default: [] },
    at: { type: Date, required: true },
    kind: { type: String, enum: SANDBOX_MESSAGE_KINDS, required: true },
  },
  { collection: "sandbox_messages", versionKey: false },
);

sandboxMessageSchema.index({ external_userid: 1, userid: 1, at: 1 });

export type SandboxMessageAttrs = InferSchemaType<typeof sandboxMessageSchema>;
export type SandboxMessageDoc = HydratedDocument<SandboxMessageAttrs>;
export const SandboxMessage = mongoose.model("SandboxMessage", sandboxMessageSchema);
