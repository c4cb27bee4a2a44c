import type { MediaFileAttrs, MediaKind } from "../models/MediaFile.ts";

/** An uploaded image or video as the console shows it; `url` serves its bytes to a signed-in console user. */
export interface PresentedMediaFile {
  id: string;
  kind: MediaKind;
  name: string;
  /** Bytes. */
  size: number;
  width: number | null;
  height: number | null;
  /** Seconds (videos); null for images. */
  durationSec: number | null;
  url: string;
}

/**
 * @param file the stored file.
 * @returns what the API answers.
 */
export function presentMediaFile(file: Pick<MediaFileAttrs, "_id" | "kind" | "name" | "size" | "width" | "height" | "durationSec">): PresentedMediaFile {
  return {
    id: file._id,
    kind: file.kind,
    name: file.name,
    size: file.size,
    width: file.width ?? null,
    height: file.height ?? null,
    durationSec: file.durationSec ?? null,
    url: `/api/console/media/${encodeURIComponent(file._id)}/content`,
  };
}
