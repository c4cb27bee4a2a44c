import type { Types } from "mongoose";
import type { QuickReplyAttrs, QuickReplyKind } from "../models/QuickReply.ts";
import type { QuickReplyFolderAttrs } from "../models/QuickReplyFolder.ts";

/** What sendChatMessage needs, by kind (docs/sidebar-api.md). */
export interface QuickReplyContents {
  text: { text: string };
  image: { mediaId: string; imageUrl: string };
  link: { url: string; title: string; desc: string; imgUrl: string };
  miniprogram: { appid: string; title: string; imgUrl: string; page: string };
}

export type PresentedQuickReply = {
  [K in QuickReplyKind]: { id: string; folderId: string | null; title: string; kind: K; content: QuickReplyContents[K] };
}[QuickReplyKind];

export interface PresentedQuickReplyFolder {
  id: string;
  name: string;
  order: number;
  /** How many replies it holds. */
  count: number;
}

const text = (value: unknown) => (typeof value === "string" ? value : "");

/** Only the keys of the kind, so nothing stored beside them leaks out. */
function contentOf(kind: QuickReplyKind, stored: Record<string, unknown>): QuickReplyContents[QuickReplyKind] {
  switch (kind) {
    case "text":
      return { text: text(stored.text) };
    case "image":
      return { mediaId: text(stored.mediaId), imageUrl: text(stored.imageUrl) };
    case "link":
      return { url: text(stored.url), title: text(stored.title), desc: text(stored.desc), imgUrl: text(stored.imgUrl) };
    case "miniprogram":
      return { appid: text(stored.appid), title: text(stored.title), imgUrl: text(stored.imgUrl), page: text(stored.page) };
  }
}

/**
 * A quick reply, as the sidebar sends it and the console edits it.
 *
 * @param reply the stored reply.
 * @returns the public shape.
 */
export function presentQuickReply(reply: QuickReplyAttrs & { _id: Types.ObjectId }): PresentedQuickReply {
  return {
    id: String(reply._id),
    folderId: reply.folderId ? String(reply.folderId) : null,
    title: reply.title,
    kind: reply.kind,
    content: contentOf(reply.kind, (reply.content ?? {}) as Record<string, unknown>),
  } as PresentedQuickReply;
}

/**
 * A quick-reply folder with its number of replies.
 *
 * @param folder the stored folder.
 * @param count replies in it.
 * @returns the public shape.
 */
export function presentQuickReplyFolder(folder: QuickReplyFolderAttrs & { _id: Types.ObjectId }, count: number): PresentedQuickReplyFolder {
  return { id: String(folder._id), name: folder.name, order: folder.order, count };
}
