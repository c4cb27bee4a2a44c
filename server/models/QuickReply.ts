import mongoose, { type InferSchemaType } from "mongoose";

export const QUICK_REPLY_KINDS = ["text", "image", "link", "miniprogram"] as const;
export type QuickReplyKind = (typeof QUICK_REPLY_KINDS)[number];

/**
 * A quick reply (话术) a guide sends from the sidebar with sendChatMessage. `content` holds what
 * that call needs for the kind (text, image, link, miniprogram); its shape is checked at the edge
 * by a zod union on `kind`, so the model stores it as given.
 */
const quickReplySchema = new mongoose.Schema(
  {
    /** Null = not in a folder (未分组). */
    folderId: { type: mongoose.Schema.Types.ObjectId, default: null },
    title: { type: String, required: true },
    kind: { type: String, enum: QUICK_REPLY_KINDS, required: true },
    content: { type: mongoose.Schema.Types.Mixed, required: true },
  },
  { collection: "quick_replies", timestamps: true, versionKey: false, minimize: false },
);

quickReplySchema.index({ folderId: 1, _id: 1 });

export type QuickReplyAttrs = InferSchemaType<typeof quickReplySchema>;
export const QuickReply = mongoose.model("QuickReply", quickReplySchema);
