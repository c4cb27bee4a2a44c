import mongoose, { type InferSchemaType } from "mongoose";

/** A merge of one member into another, with what moved, so it can be undone. */
const memberMergeSchema = new mongoose.Schema(
  {
    fromMemberId: { type: mongoose.Schema.Types.ObjectId, required: true },
    intoMemberId: { type: mongoose.Schema.Types.ObjectId, required: true },
    movedIdentityIds: { type: [String], default: [] },
    movedOrderIds: { type: [String], default: [] },
    movedGrowth: { type: Number, default: 0 },
    movedPoints: { type: Number, default: 0 },
    reason: { type: String, default: "" },
    byUserId: { type: String, default: null },
    at: { type: Date, required: true },
    undoneAt: { type: Date, default: null },
  },
  { collection: "member_merges", versionKey: false },
);

export type MemberMergeAttrs = InferSchemaType<typeof memberMergeSchema>;
export const MemberMerge = mongoose.model("MemberMerge", memberMergeSchema);
