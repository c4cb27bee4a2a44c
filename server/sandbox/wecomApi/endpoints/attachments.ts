import { z } from "zod";
import { SandboxMedia } from "../../models/index.ts";
import { ERR, wecomError } from "../endpoint.ts";

/** One attachment of a welcome, moment or mass message: `{msgtype, <msgtype>: {...}}` (wecom-reference §4.5). */
export const AttachmentSchema = z.discriminatedUnion("msgtype", [
  z.object({ msgtype: z.literal("image"), image: z.object({ media_id: z.string().optional(), pic_url: z.string().optional() }) }),
  z.object({
    msgtype: z.literal("link"),
    link: z.object({ title: z.string().min(1), picurl: z.string().optional(), desc: z.string().optional(), url: z.string().min(1), media_id: z.string().optional() }),
  }),
  z.object({
    msgtype: z.literal("miniprogram"),
    miniprogram: z.object({ title: z.string(), pic_media_id: z.string(), appid: z.string(), page: z.string() }),
  }),
  z.object({ msgtype: z.literal("video"), video: z.object({ media_id: z.string() }) }),
  z.object({ msgtype: z.literal("file"), file: z.object({ media_id: z.string() }) }),
]);

export type Attachment = z.infer<typeof AttachmentSchema>;

/** `text{content}` with WeCom's byte limit. */
export function textSchema(maxBytes: number) {
  return z.object({
    content: z.string().refine((value) => Buffer.byteLength(value) <= maxBytes, `must be at most ${maxBytes} bytes`),
  });
}

/**
 * Every media id an attachment names must be a live upload (40007 otherwise).
 *
 * @param attachments the attachments.
 * @param now the stand-in's clock.
 */
export async function checkMedia(attachments: Attachment[], now: Date): Promise<void> {
  const ids = attachments.flatMap((attachment) => {
    switch (attachment.msgtype) {
      case "image":
        return attachment.image.media_id ? [attachment.image.media_id] : [];
      case "link":
        return attachment.link.media_id ? [attachment.link.media_id] : [];
      case "miniprogram":
        return [attachment.miniprogram.pic_media_id];
      case "video":
        return [attachment.video.media_id];
      case "file":
        return [attachment.file.media_id];
    }
    return [];
  });
  for (const id of ids) {
    const media = await SandboxMedia.findById(id, { expires_at: 1 }).lean();
    if (!media || media.expires_at.getTime() <= now.getTime()) {
      throw wecomError(ERR.INVALID_MEDIA_ID, `invalid media_id: ${id}`);
    }
  }
  for (const attachment of attachments) {
    if (attachment.msgtype === "image" && !attachment.image.media_id && !attachment.image.pic_url) {
      throw wecomError(ERR.INVALID_PARAMETER, "invalid parameter attachments.image: media_id or pic_url is required");
    }
  }
}
