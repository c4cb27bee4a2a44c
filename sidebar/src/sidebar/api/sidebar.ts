// One typed function per endpoint the sidebar calls (docs/sidebar-api.md).
import { api, query, type Paged } from "@shared/api";
import type {
  AuthOptions,
  CustomerNote,
  CustomerProfile,
  DevContexts,
  GroupProfile,
  Me,
  QuickReply,
  QuickReplyFolder,
  TagEditResult,
  TagGroup,
} from "./types";

const customerPath = (externalUserId: string) => `/api/sidebar/customers/${encodeURIComponent(externalUserId)}`;

/** Login and the server's options (no session needed for options). */
export const authApi = {
  options: () => api.get<AuthOptions>("/api/auth/options"),
  me: () => api.get<Me>("/api/auth/me"),
  devLogin: (userId: string) => api.post<Me>("/api/auth/dev-login", { userId }),
};

/** The chat sidebar's data; every call is scoped by the server to the logged-in guide. */
export const sidebarApi = {
  customer: (externalUserId: string) => api.get<CustomerProfile>(customerPath(externalUserId)),
  editTags: (externalUserId: string, add: string[], remove: string[]) =>
    api.post<TagEditResult>(`${customerPath(externalUserId)}/tags`, { add, remove }),
  addNote: (externalUserId: string, text: string) => api.post<CustomerNote>(`${customerPath(externalUserId)}/notes`, { text }),
  redeemBenefit: (code: string) => api.post<{ memberNo: string; benefitCode: string; redeemedAt: string }>("/api/sidebar/benefits/redeem", { code }),
  tagGroups: () => api.get<TagGroup[]>("/api/sidebar/tags"),
  group: (chatId: string) => api.get<GroupProfile>(`/api/sidebar/groups/${encodeURIComponent(chatId)}`),
  quickReplyFolders: () => api.get<QuickReplyFolder[]>("/api/sidebar/quick-reply-folders"),
  quickReplies: (params: { q?: string; folderId?: string; page: number; pageSize: number }): Promise<Paged<QuickReply>> =>
    api.paged<QuickReply>(`/api/sidebar/quick-replies${query(params)}`),
  devContexts: () => api.get<DevContexts>("/api/sidebar/jssdk/dev-contexts"),
};
