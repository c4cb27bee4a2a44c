// The media library (素材库): upload an image or video with progress, and page through earlier uploads.
import type { PresentedMediaFile } from "@server/presenters/mediaFile";
import { api, ApiError, query } from "@shared/api";
import { consoleUrl, type PageQuery } from "./base";

export type MediaKind = PresentedMediaFile["kind"];
/** What a file is for: moments also hold it to WeCom's moment limits (≤1,555,200 px, ≤30 s). */
export type MediaPurpose = "moment" | "message";

/** The same limits the server checks (server/commands/mediaLibrary.ts), checked first to spare a 10 MB upload. */
export const MEDIA_LIMITS = { maxBytes: 10 * 1024 * 1024, momentMaxPixels: 1_555_200, momentMaxVideoSec: 30 } as const;

const TYPES: Record<MediaKind, string[]> = { image: ["image/png", "image/jpeg"], video: ["video/mp4"] };

/**
 * @param file a file the person chose.
 * @returns its kind by its declared type or extension, or null when it is neither a JPG/PNG nor an MP4.
 */
export function kindOfFile(file: File): MediaKind | null {
  if (TYPES.image.includes(file.type) || /\.(png|jpe?g)$/i.test(file.name)) {
    return "image";
  }
  if (TYPES.video.includes(file.type) || /\.mp4$/i.test(file.name)) {
    return "video";
  }
  return null;
}

/**
 * @param file a library file.
 * @param purpose what it would be used for.
 * @returns why it cannot be used there, or null.
 */
export function mediaProblem(file: PresentedMediaFile, purpose: MediaPurpose): string | null {
  if (purpose !== "moment") {
    return null;
  }
  if (file.kind === "image" && (file.width ?? 0) * (file.height ?? 0) > MEDIA_LIMITS.momentMaxPixels) {
    return `${file.width}×${file.height} 超过朋友圈的 1,555,200 像素`;
  }
  if (file.kind === "video" && (file.durationSec ?? 0) > MEDIA_LIMITS.momentMaxVideoSec) {
    return `时长 ${Math.ceil(file.durationSec ?? 0)} 秒，超过朋友圈的 30 秒`;
  }
  return null;
}

export const fetchMediaFiles = (params: PageQuery & { kind?: MediaKind }) => api.paged<PresentedMediaFile>(consoleUrl(`/media${query(params)}`));

/**
 * Upload one file as the request body (the route's own 10 MB limit), reporting progress.
 *
 * @param file the chosen file.
 * @param options what it is for, a progress callback (0–1) and an abort signal.
 * @returns the stored file.
 * @throws ApiError with the server's Chinese refusal (field `file`), or a network failure.
 */
export function uploadMediaFile(file: File, options: { purpose?: MediaPurpose; onProgress?: (fraction: number) => void; signal?: AbortSignal } = {}): Promise<PresentedMediaFile> {
  const kind = kindOfFile(file);
  const type = kind && TYPES[kind].includes(file.type) ? file.type : kind === "video" ? "video/mp4" : "application/octet-stream";
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open("POST", consoleUrl(`/media${query({ name: file.name, purpose: options.purpose })}`));
    request.setRequestHeader("content-type", type);
    request.setRequestHeader("accept", "application/json");
    request.responseType = "json";
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) {
        options.onProgress?.(event.loaded / event.total);
      }
    };
    request.onload = () => {
      const payload = request.response as { ok?: boolean; data?: PresentedMediaFile; error?: string; message?: string; errors?: string[] } | null;
      if (request.status >= 200 && request.status < 300 && payload?.data) {
        resolve(payload.data);
        return;
      }
      reject(new ApiError(request.status, payload?.error ?? "http_error", payload?.message ?? `上传失败（${request.status}）`, payload?.errors ?? []));
    };
    request.onerror = () => reject(new ApiError(0, "network_error", "network error"));
    request.onabort = () => reject(new ApiError(0, "aborted", "上传已取消"));
    options.signal?.addEventListener("abort", () => request.abort(), { once: true });
    request.send(file);
  });
}
