import mongoose, { type InferSchemaType } from "mongoose";

/**
 * An image a welcome message carries. The bytes stay here because WeCom's media id lives three
 * days: the id is cached with its upload time and the image uploaded again once it has lapsed.
 */
const welcomeImageSchema = new mongoose.Schema(
  {
    filename: { type: String, required: true },
    contentType: { type: String, required: true },
    data: { type: Buffer, required: true },
    mediaId: { type: String, default: null },
    mediaUploadedAt: { type: Date, default: null },
  },
  { collection: "welcome_images", timestamps: true, versionKey: false },
);

export type WelcomeImageAttrs = InferSchemaType<typeof welcomeImageSchema>;
export const WelcomeImage = mongoose.model("WelcomeImage", welcomeImageSchema);
