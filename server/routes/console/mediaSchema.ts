import { z } from "zod";
import { MEDIA_KINDS, MEDIA_PURPOSES } from "../../models/MediaFile.ts";
import { page, pageSize } from "./fields.ts";

const fileId = z.string().regex(/^[0-9a-f]{24}$/, "应为素材 id");

/**
 * `POST /media?name=&purpose=`: the file's bytes are the body itself (Content-Type = the file's
 * type), so only its name and what it is for travel in the query.
 */
export const MediaUploadSchema = z.object({
  query: z.object({
    name: z.string().trim().min(1, "不能为空").max(200, "文件名过长"),
    purpose: z.enum(MEDIA_PURPOSES, "应为 moment 或 message").optional(),
  }),
});

/** `GET /media?kind=&page=&pageSize=`: the picker of earlier uploads. */
export const MediaListSchema = z.object({
  query: z.object({ kind: z.enum(MEDIA_KINDS, "应为 image 或 video").optional(), page, pageSize }),
});

/** `GET /media/:id/content`. */
export const MediaContentSchema = z.object({ params: z.object({ id: fileId }) });
