import mongoose, { type InferSchemaType } from "mongoose";

/**
 * Why a tag is on a follow: which rule put it there and on what grounds. The _id is
 * `<rule>:<external_userid>:<userid>:<tag>`, so a rule applies a tag to a follow once.
 */
const tagApplicationSchema = new mongoose.Schema(
  {
    _id: { type: String, required: true },
    ruleId: { type: mongoose.Schema.Types.ObjectId, required: true },
    externalUserId: { type: String, required: true },
    userId: { type: String, required: true },
    tagId: { type: String, required: true },
    reason: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { collection: "tag_applications", versionKey: false },
);

tagApplicationSchema.index({ externalUserId: 1 });

export type TagApplicationAttrs = InferSchemaType<typeof tagApplicationSchema>;
export const TagApplication = mongoose.model("TagApplication", tagApplicationSchema);
