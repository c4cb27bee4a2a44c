import mongoose, { type InferSchemaType } from "mongoose";

/** A guide's follow-up note (跟进记录) on a customer. */
const customerNoteSchema = new mongoose.Schema(
  {
    externalUserId: { type: String, required: true },
    authorUserId: { type: String, required: true },
    text: { type: String, required: true },
  },
  { collection: "customer_notes", timestamps: true, versionKey: false },
);

customerNoteSchema.index({ externalUserId: 1, createdAt: -1 });

export type CustomerNoteAttrs = InferSchemaType<typeof customerNoteSchema>;
export const CustomerNote = mongoose.model("CustomerNote", customerNoteSchema);
