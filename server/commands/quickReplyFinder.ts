import type { Types } from "mongoose";
import { QuickReply, type QuickReplyAttrs } from "../models/QuickReply.ts";
import { QuickReplyFolder, type QuickReplyFolderAttrs } from "../models/QuickReplyFolder.ts";
import { escapeRegex } from "../domain/regex.ts";

export type StoredQuickReply = QuickReplyAttrs & { _id: Types.ObjectId };
export type StoredQuickReplyFolder = QuickReplyFolderAttrs & { _id: Types.ObjectId };

interface Props {
  /** Words in the title or the text of a text reply. */
  q?: string;
  folderId?: string;
  page: number;
  pageSize: number;
}


/**
 * One page of quick replies, for the console and the sidebar alike, in the order they were made.
 *
 * @param props search words, folder and page.
 * @returns the page and the total that matched.
 */
export default async function quickReplyFinder({ q, folderId, page, pageSize }: Props): Promise<{ replies: StoredQuickReply[]; total: number }> {
  const filter: Record<string, unknown> = {};
  if (folderId) {
    filter.folderId = folderId;
  }
  if (q) {
    const words = { $regex: escapeRegex(q), $options: "i" };
    filter.$or = [{ title: words }, { "content.text": words }];
  }
  const [replies, total] = await Promise.all([
    QuickReply.find(filter)
      .sort({ _id: 1 })
      .skip((page - 1) * pageSize)
      .limit(pageSize)
      .lean<StoredQuickReply[]>(),
    QuickReply.countDocuments(filter),
  ]);
  return { replies, total };
}

/**
 * Every folder in display order, with how many replies each holds.
 *
 * @returns folders and their counts.
 */
export async function quickReplyFolders(): Promise<{ folder: StoredQuickReplyFolder; count: number }[]> {
  const [folders, counts] = await Promise.all([
    QuickReplyFolder.find().sort({ order: 1, _id: 1 }).lean<StoredQuickReplyFolder[]>(),
    QuickReply.aggregate<{ _id: Types.ObjectId | null; count: number }>([{ $group: { _id: "$folderId", count: { $sum: 1 } } }]),
  ]);
  const byFolder = new Map(counts.map((row) => [String(row._id), row.count]));
  return folders.map((folder) => ({ folder, count: byFolder.get(String(folder._id)) ?? 0 }));
}
