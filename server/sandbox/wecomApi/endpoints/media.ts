import type { Context } from "koa";
import getRawBody from "raw-body";
import { z } from "zod";
import { SANDBOX_MEDIA_TTL_MS, SandboxMedia, sandboxId, unix } from "../../models/index.ts";
import { endpoint, ERR, wecomError, type Endpoint } from "../endpoint.ts";

// §4.13: all files > 5 bytes; image 10 MB, voice 2 MB, video 10 MB, file 20 MB.
const MAX_BYTES: Record<string, number> = { image: 10 << 20, voice: 2 << 20, video: 10 << 20, file: 20 << 20 };
const MIN_BYTES = 6;

interface FilePart {
  filename: string;
  contentType: string;
  data: Buffer;
}

/** media/upload, media/upload_attachment and media/get (wecom-reference §4.13): temporary media, 3 days. */
export const mediaEndpoints: Endpoint[] = [
  endpoint({
    method: "POST",
    path: "/cgi-bin/media/upload",
    token: "any",
    raw: true,
    input: z.object({ type: z.string().optional() }),
    async handle({ type }, { now, ctx }) {
      return store(type, await readMediaPart(ctx, type), now);
    },
  }),

  endpoint({
    method: "POST",
    path: "/cgi-bin/media/upload_attachment",
    token: "any",
    raw: true,
    input: z.object({ media_type: z.string().optional(), attachment_type: z.coerce.number().int().optional() }),
    async handle({ media_type: type, attachment_type: attachmentType }, { now, ctx }) {
      // attachment_type 1 = moments (image/video only), 2 = product album.
      if (attachmentType !== 1 && attachmentType !== 2) {
        throw wecomError(ERR.INVALID_PARAMETER, "invalid parameter attachment_type: must be 1 or 2");
      }
      if (attachmentType === 1 && type === "file") {
        throw wecomError(ERR.INVALID_MEDIA_TYPE, "invalid media type: moments take image or video");
      }
      return store(type, await readMediaPart(ctx, type), now);
    },
  }),

  endpoint({
    method: "GET",
    path: "/cgi-bin/media/get",
    token: "any",
    input: z.object({ media_id: z.string().optional() }),
    async handle({ media_id: mediaId }, { now, ctx }) {
      // Hydrated, not lean: a lean read gives the driver's Binary instead of a Buffer.
      const media = mediaId ? await SandboxMedia.findById(mediaId) : null;
      if (!media || media.expires_at.getTime() <= now.getTime()) {
        throw wecomError(ERR.INVALID_MEDIA_ID, `invalid media_id: ${mediaId ?? ""}`);
      }
      ctx.type = media.content_type;
      ctx.set("content-disposition", `attachment; filename="${encodeURIComponent(media.filename)}"`);
      ctx.body = media.data;
      return null;
    },
  }),
];

async function store(type: string | undefined, part: FilePart, now: Date): Promise<Record<string, unknown>> {
  const mediaId = sandboxId("3", 60);
  await SandboxMedia.create({
    media_id: mediaId,
    type,
    filename: part.filename,
    content_type: part.contentType,
    size: part.data.length,
    data: part.data,
    created_at: unix(now),
    expires_at: new Date(now.getTime() + SANDBOX_MEDIA_TTL_MS),
  });
  // WeCom answers created_at as a string of unix seconds.
  return { type, media_id: mediaId, created_at: String(unix(now)) };
}

// The upload is multipart/form-data with the file in the field "media" (§4.13).
async function readMediaPart(ctx: Context, type: string | undefined): Promise<FilePart> {
  const max = type ? MAX_BYTES[type] : undefined;
  if (max === undefined) {
    throw wecomError(ERR.INVALID_MEDIA_TYPE, `invalid media type: ${type ?? ""}`);
  }
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(ctx.get("content-type"));
  if (!boundary) {
    throw wecomError(ERR.MISSING_MEDIA, "missing media data: not multipart/form-data");
  }
  let body: Buffer;
  try {
    body = await getRawBody(ctx.req, { limit: max + 64 * 1024 });
  } catch {
    throw wecomError(ERR.INVALID_FILE_SIZE, `invalid file size: ${type} is at most ${max} bytes`);
  }
  const part = parseMultipart(body, boundary[1] ?? boundary[2] ?? "").find((candidate) => candidate.name === "media" && candidate.filename);
  if (!part) {
    throw wecomError(ERR.MISSING_MEDIA, "missing media data: no file in field media");
  }
  if (part.data.length < MIN_BYTES || part.data.length > max) {
    throw wecomError(ERR.INVALID_FILE_SIZE, `invalid file size: ${part.data.length} bytes`);
  }
  return { filename: part.filename ?? "", contentType: part.contentType, data: part.data };
}

function parseMultipart(body: Buffer, boundary: string): { name: string; filename: string | undefined; contentType: string; data: Buffer }[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts = [];
  let start = body.indexOf(delimiter);
  while (start !== -1) {
    const headerStart = start + delimiter.length + 2;
    const next = body.indexOf(delimiter, headerStart);
    if (next === -1) {
      break;
    }
    const headerEnd = body.indexOf("\r\n\r\n", headerStart);
    if (headerEnd !== -1 && headerEnd < next) {
      const headers = body.subarray(headerStart, headerEnd).toString("utf8");
      const disposition = /content-disposition:[^\r\n]*/i.exec(headers)?.[0] ?? "";
      const name = /\bname="([^"]*)"/i.exec(disposition)?.[1] ?? "";
      const filename = /\bfilename="([^"]*)"/i.exec(disposition)?.[1];
      const contentType = /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1]?.trim() ?? "application/octet-stream";
      // The part's data ends before the CRLF that precedes the next delimiter.
      parts.push({ name, filename, contentType, data: body.subarray(headerEnd + 4, next - 2) });
    }
    start = next;
  }
  return parts;
}
