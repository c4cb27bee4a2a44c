import mongoose, { type InferSchemaType } from "mongoose";

/**
 * An app message the product sent to members (wecom-reference §10.1 message/send): 催办, loss
 * alerts, pool warnings. WeCom would show it in the member's client; the sandbox keeps it so its
 * page can show what a guide received.
 */
const sandboxAppMessageSchema = new mongoose.Schema(
  {
    msgid: { type: String, required: true },
    /** The members it reached (unknown ones are left out, as WeCom lists them invalid). */
    touser: { type: [String], default: [] },
    msgtype: { type: String, required: true },
    /** textcard/news: the card's title and text; text/markdown: the content in `description`. */
    title: { type: String, default: "" },
    description: { type: String, default: "" },
    url: { type: String, default: "" },
    at: { type: Date, required: true },
  },
  { collection: "sandbox_app_messages", versionKey: false },
);

// A guide's inbox, newest first.
sandboxAppMessageSchema.index({ touser: 1, at: -1 });

export type SandboxAppMessageAttrs = InferSchemaType<typeof sandboxAppMessageSchema>;
export const SandboxAppMessage = mongoose.model("SandboxAppMessage", sandboxAppMessageSchema);
