// Uploaded group QR images live in GridFS (bucket "funnel_images"), so every process of the app
// serves the same file without a shared disk.
import { GridFSBucket, ObjectId } from "mongodb";
import mongoose from "mongoose";
import { ValidationError } from "../errors.ts";

/** WeCom's limit for a permanent image (media/uploadimg, wecom-reference 4.13). */
export const MAX_IMAGE_BYTES = 2 * 1024 * 1024;
const BUCKET = "funnel_images";

/** A stored image. */
export interface StoredImage {
  id: string;
  contentType: string;
  data: Buffer;
}

function bucket(): GridFSBucket {
  const db = mongoose.connection.db;
  if (!db) {
    throw new Error("database not connected");
  }
  return new GridFSBucket(db, { bucketName: BUCKET });
}

/**
 * @param data the file's bytes.
 * @returns its type from its first bytes (a name or a declared type can lie), or null.
 */
export function imageType(data: Buffer): "image/png" | "image/jpeg" | null {
  if (data.length > 8 && data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) {
    return "image/png";
  }
  if (data.length > 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) {
    return "image/jpeg";
  }
  return null;
}

/**
 * Check and store an uploaded group QR.
 *
 * @param data the image's bytes.
 * @returns the stored file's id.
 * @throws 400 naming the field when the image is empty, too large or not a PNG/JPEG.
 */
export async function storeImage(data: Buffer): Promise<{ id: string; contentType: string; bytes: number }> {
  if (data.length <= 5) {
    throw ValidationError("data: 图片内容为空");
  }
  if (data.length > MAX_IMAGE_BYTES) {
    throw ValidationError(`data: 图片不能超过 2MB（当前 ${(data.length / 1024 / 1024).toFixed(1)}MB）`);
  }
  const contentType = imageType(data);
  if (!contentType) {
    throw ValidationError("data: 只支持 PNG 或 JPG 图片");
  }
  const id = new ObjectId();
  await new Promise<void>((resolve, reject) => {
    const upload = bucket().openUploadStreamWithId(id, `${id.toHexString()}.${contentType === "image/png" ? "png" : "jpg"}`, { metadata: { contentType } });
    upload.once("finish", () => resolve());
    upload.once("error", reject);
    upload.end(data);
  });
  return { id: id.toHexString(), contentType, bytes: data.length };
}

/**
 * @param id a stored file's id.
 * @returns whether it exists.
 */
export async function imageExists(id: string): Promise<boolean> {
  if (!ObjectId.isValid(id)) {
    return false;
  }
  return (await bucket().find({ _id: new ObjectId(id) }).limit(1).toArray()).length > 0;
}

/**
 * @param id a stored file's id.
 * @returns the image, or null.
 */
export async function readImage(id: string): Promise<StoredImage | null> {
  if (!ObjectId.isValid(id)) {
    return null;
  }
  const [file] = await bucket().find({ _id: new ObjectId(id) }).limit(1).toArray();
  if (!file) {
    return null;
  }
  const chunks: Buffer[] = [];
  for await (const chunk of bucket().openDownloadStream(file._id)) {
    chunks.push(chunk as Buffer);
  }
  return { id, contentType: String(file.metadata?.contentType ?? "image/png"), data: Buffer.concat(chunks) };
}
