// The rules of a customer moment (客户朋友圈) that need no database: WeCom's limits
// (wecom-reference §4.8), the brand's content mix (70% care, 20% service, 10% ads) and when the
// sync looks at a sent moment again.
import { CHINA_OFFSET_MS } from "./chinaTime.ts";

export const MOMENT_KINDS = ["care", "service", "ads"] as const;
export type MomentKind = (typeof MOMENT_KINDS)[number];
export const MOMENT_KIND_LABELS: Record<MomentKind, string> = { care: "关怀", service: "服务", ads: "广告" };

export const MOMENT_STATUSES = ["draft", "scheduled", "sending", "sent", "failed", "cancelled"] as const;
export type MomentStatus = (typeof MOMENT_STATUSES)[number];

/** §4.8 and §4.13: text, attachments and media limits of add_moment_task. */
export const MOMENT_LIMITS = {
  textChars: 2000,
  images: 9,
  linkTitleBytes: 64,
  imageBytes: 10 * 1024 * 1024,
  videoBytes: 10 * 1024 * 1024,
  videoSeconds: 30,
  /** sender_list.user_list. */
  senders: 100_000,
  syncDaysMin: 1,
  syncDaysMax: 30,
  syncDaysDefault: 3,
} as const;

/** The brand's rule of thumb for a month's moments. */
export const MIX_TARGET: Record<MomentKind, number> = { care: 0.7, service: 0.2, ads: 0.1 };

/** A month's moments per kind and what the rule of thumb says about them. */
export interface MomentMix {
  month: string;
  counts: Record<MomentKind, number>;
  total: number;
  shares: Record<MomentKind, number>;
  /** Chinese warnings; empty when the mix keeps to the rule. */
  warnings: string[];
}

const percent = (share: number) => `${Math.round(share * 100)}%`;

/**
 * @param month YYYY-MM (China).
 * @param counts moments per kind.
 * @returns shares and the 70/20/10 warnings (ads over 10%, and then care under 70%).
 */
export function momentMix(month: string, counts: Record<MomentKind, number>): MomentMix {
  const total = counts.care + counts.service + counts.ads;
  const share = (kind: MomentKind) => (total > 0 ? counts[kind] / total : 0);
  const shares = { care: share("care"), service: share("service"), ads: share("ads") };
  const warnings: string[] = [];
  if (total > 0 && shares.ads > MIX_TARGET.ads) {
    warnings.push(`广告占 ${percent(shares.ads)}，超过 10% 的建议上限`);
    if (shares.care < MIX_TARGET.care) {
      warnings.push(`关怀仅占 ${percent(shares.care)}，低于 70% 的建议比例`);
    }
  }
  return { month, counts, total, shares, warnings };
}

/**
 * @param at an instant.
 * @returns its China calendar month, YYYY-MM.
 */
export function chinaMonth(at: Date): string {
  return new Date(at.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 7);
}

/**
 * @param month YYYY-MM (China).
 * @returns the instants the month starts and ends (end exclusive).
 */
export function chinaMonthRange(month: string): { start: Date; end: Date } {
  const [year, monthNumber] = month.split("-").map(Number) as [number, number];
  return { start: new Date(Date.UTC(year, monthNumber - 1, 1) - CHINA_OFFSET_MS), end: new Date(Date.UTC(year, monthNumber, 1) - CHINA_OFFSET_MS) };
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * When the sync looks at a sent moment next: guides publish and customers react mostly in the
 * first hours, so every 10 minutes for 2 hours, hourly to a day, then daily until the period the
 * operator set ends. One look falls exactly on the end.
 *
 * @param sentAt when WeCom accepted the task.
 * @param syncDays the operator's period in days.
 * @param now the time of the sync that just ran.
 * @returns the next sync, or null when the period is over.
 */
export function nextMomentSync(sentAt: Date, syncDays: number, now: Date): Date | null {
  const end = sentAt.getTime() + syncDays * DAY;
  const age = now.getTime() - sentAt.getTime();
  if (now.getTime() >= end) {
    return null;
  }
  const step = age < 2 * HOUR ? 10 * MINUTE : age < DAY ? HOUR : DAY;
  // On the grid from the send, so a late run does not shift every later look.
  const next = sentAt.getTime() + (Math.floor(age / step) + 1) * step;
  return new Date(Math.min(next, end));
}

/** A media file as the rules see it (the media library's size and duration). */
export interface MomentMediaFacts {
  kind: "image" | "video" | string;
  size: number;
  durationSec?: number | null;
  filename?: string;
}

/** What a moment carries besides text. */
export interface MomentAttachmentInput {
  type: "none" | "images" | "video" | "link";
  fileIds: string[];
  link: { title: string; url: string; coverFileId: string | null } | null;
}

/**
 * The first problem with a moment's attachments, as "field: 中文", or null.
 *
 * @param attachment what the operator chose.
 * @param files the media files it names (missing ones are refused).
 * @returns the problem or null.
 */
export function attachmentProblem(attachment: MomentAttachmentInput, files: Map<string, MomentMediaFacts>): string | null {
  const named = attachment.type === "link" ? (attachment.link?.coverFileId ? [attachment.link.coverFileId] : []) : attachment.fileIds;
  for (const id of named) {
    if (!files.has(id)) {
      return "attachment: 附件文件不存在，请重新上传";
    }
  }
  if (attachment.type === "images") {
    if (attachment.fileIds.length === 0) {
      return "attachment.fileIds: 请上传图片";
    }
    if (attachment.fileIds.length > MOMENT_LIMITS.images) {
      return `attachment.fileIds: 图片最多 ${MOMENT_LIMITS.images} 张`;
    }
    for (const id of attachment.fileIds) {
      const file = files.get(id)!;
      if (file.kind !== "image") {
        return "attachment.fileIds: 只能选择图片";
      }
      if (file.size > MOMENT_LIMITS.imageBytes) {
        return "attachment.fileIds: 单张图片不能超过 10MB";
      }
    }
  }
  if (attachment.type === "video") {
    if (attachment.fileIds.length !== 1) {
      return "attachment.fileIds: 只能上传 1 个视频";
    }
    const video = files.get(attachment.fileIds[0]!)!;
    if (video.kind !== "video") {
      return "attachment.fileIds: 请选择视频文件";
    }
    if (video.size > MOMENT_LIMITS.videoBytes) {
      return "attachment.fileIds: 视频不能超过 10MB";
    }
    if ((video.durationSec ?? 0) > MOMENT_LIMITS.videoSeconds) {
      return "attachment.fileIds: 视频不能超过 30 秒";
    }
  }
  if (attachment.type === "link") {
    if (!attachment.link) {
      return "attachment.link: 请填写链接";
    }
    if (Buffer.byteLength(attachment.link.title) > MOMENT_LIMITS.linkTitleBytes) {
      return "attachment.link.title: 链接标题不能超过 64 字节（约 21 个汉字）";
    }
    const cover = attachment.link.coverFileId ? files.get(attachment.link.coverFileId) : null;
    if (!cover) {
      return "attachment.link.coverFileId: 请上传链接封面图片";
    }
    if (cover.kind !== "image") {
      return "attachment.link.coverFileId: 封面应为图片";
    }
  }
  return null;
}
