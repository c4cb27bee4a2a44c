// One typed function per endpoint the sidebar calls (docs/sidebar-api.md); the shapes are the
// server's presenters', imported as types.
import type { PresentedRedemption } from "@server/presenters/benefit";
import type { PresentedQuickReply, PresentedQuickReplyFolder } from "@server/presenters/quickReply";
import type { PresentedAuthOptions, PresentedMe } from "@server/presenters/session";
import type { SidebarCustomer, SidebarNote } from "@server/presenters/sidebarCustomer";
import type { SidebarDraw, SidebarDrawLink } from "@server/presenters/sidebarDraw";
import type { SidebarGroup } from "@server/presenters/sidebarGroup";
import type { SidebarTaskList } from "@server/presenters/sidebarTasks";
import type { PresentedDevContexts } from "@server/presenters/standIn";
import type { PresentedTask } from "@server/presenters/task";
import type { NamedTag, SidebarTagGroup } from "@server/presenters/tag";
import { api, query, type Paged } from "@shared/api";

const customerPath = (externalUserId: string) => `/api/sidebar/customers/${encodeURIComponent(externalUserId)}`;

/** Login and the server's options (no session needed for options). */
export const authApi = {
  options: () => api.get<PresentedAuthOptions>("/api/auth/options"),
  me: () => api.get<PresentedMe>("/api/auth/me"),
  devLogin: (userId: string) => api.post<unknown>("/api/auth/dev-login", { userId }),
};

/** The chat sidebar's data; every call is scoped by the server to the logged-in guide. */
export const sidebarApi = {
  customer: (externalUserId: string) => api.get<SidebarCustomer>(customerPath(externalUserId)),
  editTags: (externalUserId: string, add: string[], remove: string[]) => api.post<{ tagIds: string[]; tags: NamedTag[] }>(`${customerPath(externalUserId)}/tags`, { add, remove }),
  addNote: (externalUserId: string, text: string) => api.post<SidebarNote>(`${customerPath(externalUserId)}/notes`, { text }),
  redeemBenefit: (code: string) => api.post<PresentedRedemption>("/api/sidebar/benefits/redeem", { code }),
  tagGroups: () => api.get<SidebarTagGroup[]>("/api/sidebar/tags"),
  group: (chatId: string) => api.get<SidebarGroup>(`/api/sidebar/groups/${encodeURIComponent(chatId)}`),
  quickReplyFolders: () => api.get<PresentedQuickReplyFolder[]>("/api/sidebar/quick-reply-folders"),
  quickReplies: (params: { q?: string; folderId?: string; page: number; pageSize: number }): Promise<Paged<PresentedQuickReply>> =>
    api.paged<PresentedQuickReply>(`/api/sidebar/quick-replies${query(params)}`),
  devContexts: () => api.get<PresentedDevContexts>("/api/sidebar/jssdk/dev-contexts"),
  draws: () => api.get<SidebarDraw[]>("/api/sidebar/draws"),
  drawLink: (drawId: string, externalUserId: string) => api.post<SidebarDrawLink>("/api/sidebar/draw-links", { drawId, externalUserId }),
  /** One page of the guide's own tasks; `data` also carries the tabs' and kinds' counts. */
  tasks: async (params: { view: "today" | "overdue" | "done"; kind?: string; page: number; pageSize: number }): Promise<{ data: SidebarTaskList; total: number }> => {
    const answer = await api.answer<SidebarTaskList, object>(`/api/sidebar/tasks${query(params)}`);
    return { data: answer.data, total: answer.pagination?.total ?? answer.data.tasks.length };
  },
  customerTasks: (externalUserId: string) => api.get<PresentedTask[]>(`${customerPath(externalUserId)}/tasks`),
  /** After anything was sent into the customer's chat: the guide's open tasks for them are done. */
  customerMessageSent: (externalUserId: string) => api.post<PresentedTask[]>(`${customerPath(externalUserId)}/sent`, {}),
  taskDone: (taskId: string, result: "contacted" | "noReply" | "notNeeded") => api.post<PresentedTask>(`/api/sidebar/tasks/${encodeURIComponent(taskId)}/done`, { result }),
  taskSent: (taskId: string) => api.post<PresentedTask>(`/api/sidebar/tasks/${encodeURIComponent(taskId)}/sent`, {}),
};
