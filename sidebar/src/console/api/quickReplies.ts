// The quick-reply library (话术库): folders and the replies guides send from the sidebar.
import type { PresentedDeletion } from "@server/presenters/deletion";
import type { PresentedQuickReply, PresentedQuickReplyFolder } from "@server/presenters/quickReply";
import { api, query } from "@shared/api";
import { consoleUrl, segment, type PageQuery } from "./base";

/** The body of `POST /quick-replies` and `PUT /quick-replies/:id`. */
export type QuickReplyBody = Omit<PresentedQuickReply, "id">;

export const fetchFolders = () => api.get<PresentedQuickReplyFolder[]>(consoleUrl("/quick-reply-folders"));
export const createFolder = (name: string) => api.post<PresentedQuickReplyFolder>(consoleUrl("/quick-reply-folders"), { name });
export const renameFolder = (id: string, name: string) => api.put<PresentedQuickReplyFolder>(consoleUrl(`/quick-reply-folders/${segment(id)}`), { name });
export const deleteFolder = (id: string) => api.delete<PresentedDeletion>(consoleUrl(`/quick-reply-folders/${segment(id)}`));

export const fetchReplies = (params: PageQuery & { q?: string; folderId?: string }) => api.paged<PresentedQuickReply>(consoleUrl(`/quick-replies${query(params)}`));
export const createReply = (body: QuickReplyBody) => api.post<PresentedQuickReply>(consoleUrl("/quick-replies"), body);
export const updateReply = (id: string, body: QuickReplyBody) => api.put<PresentedQuickReply>(consoleUrl(`/quick-replies/${segment(id)}`), body);
export const deleteReply = (id: string) => api.delete<PresentedDeletion>(consoleUrl(`/quick-replies/${segment(id)}`));
