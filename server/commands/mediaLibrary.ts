// The console's media library (素材库): images and videos stored once in GridFS and handed to
// WeCom as media ids when a moment or a message needs them. WeCom keeps a media id three days
// (wecom-reference §4.13), so ids are cached per purpose and uploaded again before they lapse.
import type { Readable } from "node:stream";
import { GridFSBucket, ObjectId } from "mongodb";
import mongoose from "mongoose";
import { probeMedia } from "../domain/mediaProbe.ts";
import { ValidationError } from "../errors.ts";
import { MediaFile, storedMediaFile, type MediaFileAttrs, type MediaKind, type MediaPurpose, type StoredMediaFile } from "../models/MediaFile.ts";
import type { WeComClient } from "../wecom/client.ts";

/** §4.13: images and videos at most 10 MB, every file more than 5 bytes. */
export const MEDIA_MAX_BYTES = 10 * 1024 * 1024;
const MEDIA_MIN_BYTES = 6;
/** §4.8: a moment's image at most 1,555,200 px (1440×1080), its video at most 30 s. */
export const MOMENT_MAX_PIXELS = 1_555_200;
export const MOMENT_MAX_VIDEO_SEC = 30;
const NAME_MAX = 100;
// Three days, less two hours: an id handed to a task at the edge must not lapse on the way.
const WECOM_ID_LIFETIME_MS = 3 * 86_400_000 - 2 * 3_600_000;
const BUCKET = "media_files";

function bucket(): GridFSBucket {
  const db = mongoose.connection.db;
  if (!db) {
    throw new Error("database not connected");
  }
  return new GridFSBucket(db, { bucketName: BUCKET });
}

const megabytes = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

/**
 * Why a file cannot go into a moment, or null when it can. Messages take any image or video the
 * library accepts.
 *
 * @param file the stored (or just probed) file.
 * @param purpose what it is for.
 * @returns a Chinese sentence naming the field `file`, or null.
 */
export function mediaProblemFor(file: Pick<MediaFileAttrs, "kind" | "width" | "height" | "durationSec" | "name">, purpose: MediaPurpose): string | null {
  if (purpose !== "moment") {
    return null;
  }
  if (file.kind === "image" && (file.width ?? 0) * (file.height ?? 0) > MOMENT_MAX_PIXELS) {
    return `file: 「${file.name}」为 ${file.width}×${file.height}，朋友圈图片不能超过 1,555,200 像素（如 1440×1080），请缩小后再上传`;
  }
  if (file.kind === "video" && (file.durationSec ?? 0) > MOMENT_MAX_VIDEO_SEC) {
    return `file: 「${file.name}」时长 ${Math.ceil(file.durationSec ?? 0)} 秒，朋友圈视频不能超过 30 秒`;
  }
  return null;
}

/** A file name fit to show and to send as the multipart filename: no path, no control characters, bounded. */
function cleanName(name: string, mime: string): string {
  const base = (name.split(/[\\/]/).pop() ?? "").replace(/["\p{Cc}]/gu, "").trim();
  const fallback = mime === "video/mp4" ? "视频.mp4" : mime === "image/png" ? "图片.png" : "图片.jpg";
  return (base || fallback).slice(0, NAME_MAX);
}

/**
 * Check an upload and store it.
 *
 * @param input the file's name and declared type (the bytes decide the real type), its bytes,
 *   who uploads it, and optionally what it is for (`moment` also checks WeCom's moment limits).
 * @returns the stored file.
 * @throws ValidationError naming `file` when it is empty, over 10 MB, not a JPG/PNG/MP4, or unfit for the purpose.
 */
export async function saveMediaFile(input: { name: string; mime: string; data: Buffer; createdBy: string; purpose?: MediaPurpose }): Promise<StoredMediaFile> {
  const { data } = input;
  if (data.length < MEDIA_MIN_BYTES) {
    throw ValidationError("file: 文件内容为空");
  }
  if (data.length > MEDIA_MAX_BYTES) {
    throw ValidationError(`file: 文件不能超过 10MB（当前 ${megabytes(data.length)}MB）`);
  }
  const probe = probeMedia(data);
  if (!probe) {
    throw ValidationError(
      input.mime === "video/mp4" || /\.mp4$/i.test(input.name)
        ? "file: 无法读取视频的时长，请导出为标准 MP4（H.264）后再上传"
        : "file: 只支持 JPG、PNG 图片或 MP4 视频",
    );
  }
  if (probe.kind === "video" && probe.durationSec === 0) {
    throw ValidationError("file: 视频时长为 0 秒，请检查文件");
  }
  const name = cleanName(input.name, probe.mime);
  const problem = input.purpose ? mediaProblemFor({ ...probe, name }, input.purpose) : null;
  if (problem) {
    throw ValidationError(problem);
  }
  const id = new ObjectId();
  // Bytes first: a document always has its file; a crash between leaves only an unlisted orphan.
  await new Promise<void>((resolve, reject) => {
    const upload = bucket().openUploadStreamWithId(id, name, { metadata: { contentType: probe.mime } });
    upload.once("finish", () => resolve());
    upload.once("error", reject);
    upload.end(data);
  });
  const created = await MediaFile.create({ _id: id.toHexString(), kind: probe.kind, name, mime: probe.mime, size: data.length, width: probe.width, height: probe.height, durationSec: probe.durationSec, createdBy: input.createdBy });
  return storedMediaFile(created.toObject());
}

/**
 * @param ids library file ids, as a composer saved them.
 * @returns the files that exist, in the order asked (missing ids are left out; compare lengths to find them).
 */
export async function mediaFilesByIds(ids: string[]): Promise<StoredMediaFile[]> {
  const files = await MediaFile.find({ _id: { $in: ids } }, { wecom: 0 }).lean<MediaFileAttrs[]>();
  const byId = new Map(files.map((file) => [file._id, file]));
  return ids.flatMap((id) => {
    const file = byId.get(id);
    return file ? [storedMediaFile(file)] : [];
  });
}

/**
 * A page of the library, newest first.
 *
 * @param query the kind (all when unset), page (from 1) and page size.
 * @returns the page and the total.
 */
export async function listMediaFiles(query: { kind?: MediaKind | undefined; page: number; pageSize: number }): Promise<{ files: StoredMediaFile[]; total: number }> {
  const filter = query.kind ? { kind: query.kind } : {};
  const [files, total] = await Promise.all([
    MediaFile.find(filter, { wecom: 0 }).sort({ createdAt: -1, _id: -1 }).skip((query.page - 1) * query.pageSize).limit(query.pageSize).lean<MediaFileAttrs[]>(),
    MediaFile.countDocuments(filter),
  ]);
  return { files: files.map(storedMediaFile), total };
}

/**
 * @param id a library file id (anything else answers null).
 * @returns its type, size and name, or null when there is no such file.
 */
export async function mediaFileHead(id: string): Promise<{ mime: string; size: number; name: string } | null> {
  if (!ObjectId.isValid(id)) {
    return null;
  }
  return MediaFile.findById(id, { _id: 0, mime: 1, size: 1, name: 1 }).lean<{ mime: string; size: number; name: string }>();
}

/**
 * @param id a library file id that exists ({@link mediaFileHead}).
 * @param range the first and last byte wanted (inclusive), or undefined for all.
 * @returns the bytes as a stream.
 */
export function openMediaStream(id: string, range?: { start: number; end: number }): Readable {
  return bucket().openDownloadStream(new ObjectId(id), range ? { start: range.start, end: range.end + 1 } : {});
}

async function readAll(id: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of bucket().openDownloadStream(new ObjectId(id))) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

// Concurrent callers for one file and purpose (a dispatch sending 2,000 guides' tasks at once)
// share one upload. Across processes two uploads may race; either id works, the last one is kept.
const uploading = new Map<string, Promise<string>>();

/**
 * A WeCom media id for a library file: the cached one while it lives, else a fresh upload
 * (`media/upload_attachment` for moments, `media/upload` for messages) whose id is cached.
 *
 * @param wecom the client.
 * @param fileId the library file.
 * @param purpose moment or message.
 * @param now the clock deciding whether the cached id has lapsed.
 * @returns the media id.
 * @throws ValidationError naming `file` when the file is gone or does not fit the purpose.
 */
export async function wecomMediaId(wecom: WeComClient, fileId: string, purpose: MediaPurpose, now: Date): Promise<string> {
  const file = await MediaFile.findById(fileId).lean<MediaFileAttrs>();
  if (!file) {
    throw ValidationError("file: 素材已被删除，请重新选择");
  }
  const problem = mediaProblemFor(file, purpose);
  if (problem) {
    throw ValidationError(problem);
  }
  const cached = file.wecom?.[purpose];
  if (cached && cached.expiresAt.getTime() > now.getTime()) {
    return cached.mediaId;
  }
  const key = `${fileId}:${purpose}`;
  const pending = uploading.get(key);
  if (pending) {
    return pending;
  }
  const upload = uploadToWecom(wecom, file, purpose, now).finally(() => uploading.delete(key));
  uploading.set(key, upload);
  return upload;
}

async function uploadToWecom(wecom: WeComClient, file: MediaFileAttrs, purpose: MediaPurpose, now: Date): Promise<string> {
  const form = new FormData();
  form.append("media", new Blob([new Uint8Array(await readAll(file._id))], { type: file.mime }), file.name);
  const answer =
    purpose === "moment"
      ? await wecom.post<{ media_id: string }>("/cgi-bin/media/upload_attachment", form, { query: { media_type: file.kind, attachment_type: 1 } })
      : await wecom.post<{ media_id: string }>("/cgi-bin/media/upload", form, { query: { type: file.kind } });
  const expiresAt = new Date(now.getTime() + WECOM_ID_LIFETIME_MS);
  await MediaFile.updateOne({ _id: file._id }, { $set: { [`wecom.${purpose}`]: { mediaId: answer.media_id, expiresAt } } });
  return answer.media_id;
}

/**
 * Drop a cached media id WeCom refused (40007), so the next {@link wecomMediaId} uploads again.
 *
 * @param fileId the library file.
 * @param purpose moment or message.
 * @param mediaId the id WeCom refused; when given, a newer id cached meanwhile is kept.
 */
export async function forgetWecomMediaId(fileId: string, purpose: MediaPurpose, mediaId?: string): Promise<void> {
  const filter = mediaId ? { _id: fileId, [`wecom.${purpose}.mediaId`]: mediaId } : { _id: fileId };
  await MediaFile.updateOne(filter, { $set: { [`wecom.${purpose}`]: null } });
}
