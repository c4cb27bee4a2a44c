import type Router from "@koa/router";
import getRawBody from "raw-body";
import { createRouter } from "../router.ts";
import { listMediaFiles, MEDIA_MAX_BYTES, mediaFileHead, openMediaStream, saveMediaFile } from "../../commands/mediaLibrary.ts";
import { AppError, NotFoundError, ValidationError } from "../../errors.ts";
import { actorOf } from "../../middlewares/authenticate.ts";
import { inputOf, validate } from "../../middlewares/validate.ts";
import { presentMediaFile } from "../../presenters/mediaFile.ts";
import { MediaContentSchema, MediaListSchema, MediaUploadSchema } from "./mediaSchema.ts";

const UPLOAD_TYPES = ["image/png", "image/jpeg", "video/mp4", "application/octet-stream"];

/** `bytes=a-b`, `bytes=a-` or `bytes=-n` of a file of `size` bytes; null for anything else (the whole file is sent). */
function byteRange(header: string, size: number): { start: number; end: number } | null {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === "" && match[2] === "") || size === 0) {
    return null;
  }
  const start = match[1] === "" ? Math.max(0, size - Number(match[2])) : Number(match[1]);
  const end = match[1] === "" || match[2] === "" ? size - 1 : Math.min(Number(match[2]), size - 1);
  return start <= end && start < size ? { start, end } : null;
}

/**
 * The media library (素材库): upload an image or video, list earlier uploads for the picker, and
 * serve the bytes for previews.
 *
 * The upload's body is the file itself, not base64 in JSON nor multipart: the console's JSON
 * limit (8 MB) stays as it is for every other route, a 10 MB video travels as 10 MB (base64 adds
 * a third), the browser's upload progress counts the file's own bytes, and no multipart parser is
 * needed; this route reads at most 10 MB and refuses the rest.
 *
 * @returns the router (mounted under /api/console).
 */
export function mediaRouter(): Router {
  const router = createRouter();

  router.post("/media", validate(MediaUploadSchema), async (ctx) => {
    const { query } = inputOf(ctx, MediaUploadSchema);
    const mime = (ctx.get("content-type").split(";")[0] ?? "").trim().toLowerCase();
    // A JSON (or form) body was already consumed by the console's parser: there is no file in it.
    if (!UPLOAD_TYPES.includes(mime)) {
      throw ValidationError("file: 请上传 JPG、PNG 图片或 MP4 视频文件");
    }
    let data: Buffer;
    try {
      data = await getRawBody(ctx.req, { limit: MEDIA_MAX_BYTES });
    } catch (error) {
      if ((error as { type?: string }).type === "entity.too.large") {
        throw new AppError(413, "payload_too_large", "file: 文件不能超过 10MB");
      }
      throw ValidationError("file: 上传未完成，请重试");
    }
    const actor = actorOf(ctx);
    const saved = await saveMediaFile({ name: query.name, mime, data, createdBy: actor.userId ?? "api_token", ...(query.purpose ? { purpose: query.purpose } : {}) });
    ctx.status = 201;
    ctx.body = { data: presentMediaFile(saved) };
  });

  router.get("/media", validate(MediaListSchema), async (ctx) => {
    const { query } = inputOf(ctx, MediaListSchema);
    const { files, total } = await listMediaFiles(query);
    ctx.body = { data: files.map(presentMediaFile), pagination: { page: query.page, pageSize: query.pageSize, total } };
  });

  router.get("/media/:id/content", validate(MediaContentSchema), async (ctx) => {
    const { params } = inputOf(ctx, MediaContentSchema);
    const head = await mediaFileHead(params.id);
    if (!head) {
      throw NotFoundError("media file");
    }
    // Video previews seek with Range requests (Safari will not play without them).
    const range = byteRange(ctx.get("range"), head.size);
    ctx.set("accept-ranges", "bytes");
    ctx.set("cache-control", "private, max-age=86400");
    ctx.set("content-disposition", `inline; filename*=UTF-8''${encodeURIComponent(head.name)}`);
    ctx.type = head.mime;
    if (range) {
      ctx.status = 206;
      ctx.set("content-range", `bytes ${range.start}-${range.end}/${head.size}`);
    }
    ctx.length = range ? range.end - range.start + 1 : head.size;
    ctx.body = openMediaStream(params.id, range ?? undefined);
  });

  return router;
}
