import mongoose, { type InferSchemaType, type HydratedDocument } from "mongoose";

/** Temporary media is valid this long (WeCom: 3 days). */
export const SANDBOX_MEDIA_TTL_MS = 3 * 24 * 3600 * 1000;

/** A file uploaded through media/upload (wecom-reference §4.10). */
const sandboxMediaSchema = new mongoose.Schema(
  {
    /** = media_id. */
    _id: { type: String, default: function (this: { media_id: string }) { return this.media_id; } },
    media_id: { type: String, required: true, unique: true },
    /** image, voice, video or file. */
    type: { type: String, required: true },
    filename: { type: String, default: "" },
    content_type: { type: String, default: "application/octet-stream" },
    size: { type: Number, required: true },
    data: { type: Buffer, required: true },
    /** Unix seconds, as WeCom answers it. */
    created_at: { type: Number, required: true },
    expires_at: { type: Date, required: true },
  },
  { collection: "sandbox_media", versionKey: false },
);

export type SandboxMediaAttrs = InferSchemaType<typeof sandboxMediaSchema>;
export type SandboxMediaDoc = HydratedDocument<SandboxMediaAttrs>;
export const SandboxMedia = mongoose.model("SandboxMedia", sandboxMediaSchema);
