import mongoose, { type InferSchemaType, type HydratedDocument } from "mongoose";

const sandboxTagSchema = new mongoose.Schema(
  {
    id: { type: String, required: true },
    name: { type: String, required: true },
    order: { type: Number, default: 0 },
    /** Unix seconds. */
    create_time: { type: Number, required: true },
    deleted: { type: Boolean, default: false },
  },
  { _id: false, id: false },
);

/** A corp tag group with its tags (wecom-reference §4.2 get_corp_tag_list). */
const sandboxTagGroupSchema = new mongoose.Schema(
  {
    /** = group_id. */
    _id: { type: String, default: function (this: { group_id: string }) { return this.group_id; } },
    group_id: { type: String, required: true, unique: true },
    group_name: { type: String, required: true },
    order: { type: Number, default: 0 },
    create_time: { type: Number, required: true },
    deleted: { type: Boolean, default: false },
    tag: { type: [sandboxTagSchema], default: [] },
  },
  { collection: "sandbox_tag_groups", versionKey: false },
);

export type SandboxTagGroupAttrs = InferSchemaType<typeof sandboxTagGroupSchema>;
export type SandboxTagGroupDoc = HydratedDocument<SandboxTagGroupAttrs>;
export const SandboxTagGroup = mongoose.model("SandboxTagGroup", sandboxTagGroupSchema);
