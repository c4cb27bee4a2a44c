// The customer's phone shows an image WeCom delivered (a welcome message's picture or a
// mini-program cover): the stand-in keeps what the product uploaded through media/upload, so the
// sandbox page reads it back here instead of from WeCom's CDN.
import { SandboxMedia } from "../models/index.ts";

const MEDIA_ID = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * @param mediaId a media_id the stand-in issued.
 * @returns the image's bytes and type, or null when there is no such image.
 */
export async function mediaImage(mediaId: string): Promise<{ data: Buffer; contentType: string } | null> {
  if (!MEDIA_ID.test(mediaId)) {
    return null;
  }
  const media = await SandboxMedia.findById(mediaId, { type: 1, content_type: 1, data: 1 }).lean();
  if (!media || media.type !== "image" || !media.content_type.startsWith("image/")) {
    return null;
  }
  // A lean read gives the driver's Binary, whose bytes are in .buffer (a Buffer is used as is).
  const raw: unknown = media.data;
  const data = Buffer.isBuffer(raw) ? raw : Buffer.from((raw as { buffer: Uint8Array }).buffer);
  return { data, contentType: media.content_type };
}
