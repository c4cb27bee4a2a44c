import mongoose, { type InferSchemaType, type HydratedDocument } from "mongoose";

const tagSchema = new mongoose.Schema(
  {
    id: { type: String, required: true },
    name: { type: String, required: true },
    order: { type: Number, default: 0 },
    createdAtWeCom: { type: Date, default: null },
    deleted: { type: Boolean, default: false },
  },
  { _id: false },
);

/** A corp tag group mirrored from WeCom (WeCom is the source of truth for corp tags). */
const tagGroupSchema = new mongoose.Schema(
  {
    groupId: { type: String, required: true, unique: true },
    name: { type: String, required: true },
    order: { type: Number, default: 0 },
    createdAtWeCom: { type: Date, default: null },
    deleted: { type: Boolean, default: false },
    tags: { type: [tagSchema], default: [] },
    syncedAt: { type: Date, default: null },
  },
  { collection: "tag_groups", timestamps: true, versionKey: false },
);

tagGroupSchema.index({ "tags.id": 1 });

export type TagGroupAttrs = InferSchemaType<typeof tagGroupSchema>;
export type TagGroupDoc = HydratedDocument<TagGroupAttrs>;
export const TagGroup = mongoose.model("TagGroup", tagGroupSchema);
