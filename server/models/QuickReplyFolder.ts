import mongoose, { type InferSchemaType } from "mongoose";

/** A folder of the quick-reply library (话术库分组); names are unique so guides can tell them apart. */
const quickReplyFolderSchema = new mongoose.Schema(
  {
    name: { type: String, required: true, unique: true },
    order: { type: Number, default: 0 },
  },
  { collection: "quick_reply_folders", timestamps: true, versionKey: false },
);

export type QuickReplyFolderAttrs = InferSchemaType<typeof quickReplyFolderSchema>;
export const QuickReplyFolder = mongoose.model("QuickReplyFolder", quickReplyFolderSchema);
