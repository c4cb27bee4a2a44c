import mongoose, { type InferSchemaType } from "mongoose";

export const MEDIA_KINDS = ["image", "video"] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number];

/** What a WeCom media id is for: moments take `upload_attachment` ids, messages `media/upload` ids (wecom-reference §4.13). */
export const MEDIA_PURPOSES = ["moment", "message"] as const;
export type MediaPurpose = (typeof MEDIA_PURPOSES)[number];

const wecomIdSchema = new mongoose.Schema(
  {
    mediaId: { type: String, required: true },
    /** When we stop trusting it: a little before WeCom's three days run out. */
    expiresAt: { type: Date, required: true },
  },
  { _id: false },
);

/**
 * An image or video uploaded in the console (素材库). The bytes live in GridFS (bucket
 * "media_files", file id = this _id as an ObjectId) so every process serves and uploads the same
 * file; WeCom's media ids last three days, so one per purpose is cached here with its expiry and
 * the file uploaded again once it lapses.
 */
const mediaFileSchema = new mongoose.Schema(
  {
    /** The GridFS file's ObjectId as hex. */
    _id: { type: String, required: true },
    kind: { type: String, enum: MEDIA_KINDS, required: true },
    name: { type: String, required: true },
    mime: { type: String, required: true },
    size: { type: Number, required: true },
    width: { type: Number, default: null },
    height: { type: Number, default: null },
    durationSec: { type: Number, default: null },
    /** The employee's userid, or "api_token". */
    createdBy: { type: String, required: true },
    wecom: {
      moment: { type: wecomIdSchema, default: null },
      message: { type: wecomIdSchema, default: null },
    },
  },
  { collection: "media_files", timestamps: { createdAt: true, updatedAt: false }, versionKey: false },
);

// The picker lists the newest first, one kind at a time.
mediaFileSchema.index({ kind: 1, createdAt: -1 });
mediaFileSchema.index({ createdAt: -1 });

export type MediaFileAttrs = InferSchemaType<typeof mediaFileSchema> & { createdAt: Date };
export const MediaFile = mongoose.model("MediaFile", mediaFileSchema);

/**
 * A library file as the commands hand it on: what it is and where the console serves its bytes
 * (the presenter shows these fields; a composer checks them against WeCom's limits).
 */
export interface StoredMediaFile {
  id: string;
  kind: MediaKind;
  name: string;
  mime: string;
  size: number;
  width: number | null;
  height: number | null;
  durationSec: number | null;
  /** The authenticated preview, GET /api/console/media/:id/content. */
  url: string;
}

/**
 * @param file a stored document (lean or hydrated).
 * @returns the file's facts.
 */
export function storedMediaFile(file: Pick<MediaFileAttrs, "_id" | "kind" | "name" | "mime" | "size" | "width" | "height" | "durationSec">): StoredMediaFile {
  return {
    id: file._id,
    kind: file.kind,
    name: file.name,
    mime: file.mime,
    size: file.size,
    width: file.width ?? null,
    height: file.height ?? null,
    durationSec: file.durationSec ?? null,
    url: `/api/console/media/${encodeURIComponent(file._id)}/content`,
  };
}
