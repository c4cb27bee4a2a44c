// Quick replies (话术库) of /api/console: folders and replies a guide sends from the sidebar.
import { api, query } from "@shared/api";

export type ReplyKind = "text" | "image" | "link" | "miniprogram";

/** What `sendChatMessage` needs, by kind (docs/sidebar-api.md). */
export interface ReplyContents {
  text: { text: string };
  image: { mediaId: string; imageUrl: string };
  link: { url: string; title: string; desc?: string; imgUrl?: string };
  miniprogram: { appid: string; title: string; imgUrl: string; page: string };
}

export type QuickReply = {
  [K in ReplyKind]: { id: string; folderId: string | null; title: string; kind: K; content: ReplyContents[K] };
}[ReplyKind];

export type QuickReplyBody = Omit<QuickReply, "id">;

export interface Folder {
  id: string;
  name: string;
  count: number;
}

export const KIND_LABELS: Record<ReplyKind, string> = { text: "文本", image: "图片", link: "链接", miniprogram: "小程序" };
export const KINDS = Object.keys(KIND_LABELS) as ReplyKind[];

const FOLDERS = "/api/console/quick-reply-folders";
const REPLIES = "/api/console/quick-replies";

export const quickReplyApi = {
  folders: () => api.get<Folder[]>(FOLDERS),
  createFolder: (name: string) => api.post<Folder>(FOLDERS, { name }),
  renameFolder: (id: string, name: string) => api.put<Folder>(`${FOLDERS}/${encodeURIComponent(id)}`, { name }),
  deleteFolder: (id: string) => api.delete<unknown>(`${FOLDERS}/${encodeURIComponent(id)}`),
  replies: (params: { q?: string; folderId?: string; page: number; pageSize: number }) => api.paged<QuickReply>(`${REPLIES}${query(params)}`),
  create: (body: QuickReplyBody) => api.post<QuickReply>(REPLIES, body),
  update: (id: string, body: QuickReplyBody) => api.put<QuickReply>(`${REPLIES}/${encodeURIComponent(id)}`, body),
  remove: (id: string) => api.delete<unknown>(`${REPLIES}/${encodeURIComponent(id)}`),
};

/** One line describing a reply's content, for the table. */
export function summary(reply: QuickReply): string {
  switch (reply.kind) {
    case "text":
      return reply.content.text;
    case "image":
      return reply.content.imageUrl || reply.content.mediaId;
    case "link":
      return `${reply.content.title} · ${reply.content.url}`;
    case "miniprogram":
      return `${reply.content.title} · ${reply.content.page}`;
  }
}
