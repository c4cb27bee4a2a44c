import type { MomentKind, MomentMix, MomentStatus } from "../domain/momentRules.ts";
import type { StoredMediaFile } from "../models/MediaFile.ts";
import type { MomentAttrs } from "../models/Moment.ts";
import { presentMediaFile, type PresentedMediaFile } from "./mediaFile.ts";

/** Names for the ids a moment holds (departments, guides, tags) and its media files. */
export interface MomentNames {
  departments: Map<number, string>;
  guides: Map<string, string>;
  tags: Map<string, string>;
  files: Map<string, StoredMediaFile>;
}

/** A moment as the console shows it. */
export interface PresentedMoment {
  id: string;
  text: string;
  attachment: {
    type: "none" | "images" | "video" | "link";
    /** In the operator's order; a file deleted since is left out. */
    files: PresentedMediaFile[];
    link: { title: string; url: string; cover: PresentedMediaFile | null } | null;
  };
  kind: MomentKind;
  publishers: { departments: { id: number; name: string }[]; guides: { userId: string; name: string }[] };
  visibleTags: { id: string; name: string }[];
  scheduledAt: string;
  month: string;
  syncDays: number;
  status: MomentStatus;
  /** Why it failed, or what it waits for (Chinese). */
  failReason: string;
  senderCount: number;
  invalidGuides: { userId: string; name: string }[];
  invalidTags: { id: string; name: string }[];
  totals: { published: number; likes: number; comments: number };
  /** Tasks for guides tried again after failing: how many guides, and where each stands. */
  retries: { guideCount: number; status: "pending" | "sent" | "failed"; failReason: string; at: string }[];
  sentAt: string | null;
  cancelledAt: string | null;
  lastSyncedAt: string | null;
  nextSyncAt: string | null;
  /** Changeable and deletable: not handed to WeCom yet. */
  editable: boolean;
  createdAt: string;
}

const iso = (at: Date | null | undefined) => (at ? at.toISOString() : null);

/**
 * @param moment the stored moment.
 * @param names names and files for its ids.
 * @returns what the API answers.
 */
export function presentMoment(moment: MomentAttrs & { _id: unknown; createdAt: Date }, names: MomentNames): PresentedMoment {
  const guide = (userId: string) => ({ userId, name: names.guides.get(userId) ?? userId });
  const tag = (id: string) => ({ id, name: names.tags.get(id) ?? "已删除的标签" });
  const link = moment.attachment.link;
  const cover = (id: string | null | undefined) => { const file = id ? names.files.get(id) : undefined; return file ? presentMediaFile(file) : null; };
  return {
    id: String(moment._id),
    text: moment.text,
    attachment: {
      type: moment.attachment.type as PresentedMoment["attachment"]["type"],
      files: moment.attachment.fileIds.flatMap((id) => { const file = names.files.get(id); return file ? [presentMediaFile(file)] : []; }),
      link: link ? { title: link.title, url: link.url, cover: cover(link.coverFileId) } : null,
    },
    kind: moment.kind as MomentKind,
    publishers: {
      departments: moment.publishers.departmentIds.map((id) => ({ id, name: names.departments.get(id) ?? `部门 ${id}` })),
      guides: moment.publishers.userIds.map(guide),
    },
    visibleTags: moment.visibleTagIds.map(tag),
    scheduledAt: moment.scheduledAt.toISOString(),
    month: moment.month,
    syncDays: moment.syncDays,
    status: moment.status as MomentStatus,
    failReason: moment.failReason,
    senderCount: moment.senderUserIds.length,
    invalidGuides: moment.invalidUserIds.map(guide),
    invalidTags: moment.invalidTagIds.map(tag),
    totals: { published: moment.totals.published, likes: moment.totals.likes, comments: moment.totals.comments },
    retries: moment.retries.map((part) => ({ guideCount: part.userIds.length, status: part.status as "pending" | "sent" | "failed", failReason: part.failReason, at: part.at.toISOString() })),
    sentAt: iso(moment.sentAt),
    cancelledAt: iso(moment.cancelledAt),
    lastSyncedAt: iso(moment.lastSyncedAt),
    nextSyncAt: iso(moment.nextSyncAt),
    editable: moment.status === "draft" || moment.status === "scheduled",
    createdAt: moment.createdAt.toISOString(),
  };
}

/** A month's content mix: moments per kind, their shares, and the 70/20/10 warnings (Chinese). */
export type PresentedMomentMix = MomentMix;

/**
 * @param mix the month's mix as counted.
 * @returns what the API answers.
 */
export function presentMomentMix(mix: MomentMix): PresentedMomentMix {
  return { month: mix.month, counts: { ...mix.counts }, total: mix.total, shares: { ...mix.shares }, warnings: [...mix.warnings] };
}
