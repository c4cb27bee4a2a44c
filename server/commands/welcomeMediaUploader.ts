import { WelcomeImage } from "../models/WelcomeImage.ts";
import type { WeComClient } from "../wecom/client.ts";

// WeCom keeps a media id three days (wecom-reference.md §4.13); re-upload an hour early so a
// welcome sent at the edge never carries an id that lapses on the way.
const MEDIA_LIFETIME_MS = 3 * 86_400_000 - 3_600_000;

/**
 * A WeCom media id for a stored welcome image: the cached one while it lives, else a fresh
 * `media/upload` whose id is cached.
 *
 * @param props the client, the image, the clock, and force to upload even if the cache looks alive (WeCom said it lapsed).
 * @returns the media id.
 */
export default async function welcomeMediaUploader({ wecom, imageId, now, force = false }: { wecom: WeComClient; imageId: string; now: Date; force?: boolean }): Promise<string> {
  // Hydrated, not lean: lean answers the bytes as the driver's Binary, not a Buffer.
  const image = await WelcomeImage.findById(imageId);
  if (!image) {
    throw new Error(`welcome image ${imageId} is gone`);
  }
  if (!force && image.mediaId && image.mediaUploadedAt && now.getTime() - image.mediaUploadedAt.getTime() < MEDIA_LIFETIME_MS) {
    return image.mediaId;
  }
  const form = new FormData();
  form.append("media", new Blob([new Uint8Array(image.data)], { type: image.contentType }), image.filename);
  const answer = await wecom.post<{ media_id: string }>("/cgi-bin/media/upload", form, { query: { type: "image" } });
  await WelcomeImage.updateOne({ _id: imageId }, { $set: { mediaId: answer.media_id, mediaUploadedAt: now } });
  return answer.media_id;
}
