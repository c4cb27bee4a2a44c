import type { MediaKind, StoredMediaFile } from "../models/MediaFile.ts";

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
 * @param file a library file from server/commands/mediaLibrary.ts.
 * @returns what the API answers.
 */
export function presentMediaFile(file: StoredMediaFile): PresentedMediaFile {
  return { id: file.id, kind: file.kind, name: file.name, size: file.size, width: file.width, height: file.height, durationSec: file.durationSec, url: file.url };
}
