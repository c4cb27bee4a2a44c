// 群发: mass messages to a segment, tagged customers or customer groups (docs/mass-messages.md).
import type { PresentedMassMessage } from "@server/presenters/massMessage";
import { api, query } from "@shared/api";
import { consoleUrl, segment, type PageQuery } from "./base";

/** The body of `POST /mass-messages` and `PUT /mass-messages/:id`. */
export interface MassBody {
  name: string;
  text: string;
  attachments: { kind: "image" | "video" | "link"; fileId?: string; title?: string; url?: string; desc?: string }[];
  /** groupScope "owners" with no owner is refused; "all" sends to every group whatever ownerIds say. */
  audience: { kind: string; segmentId: string | null; tagIds: string[]; ownerIds: string[]; groupScope?: "all" | "owners" };
  guideRule: string;
  sendAt: string | null;
  syncDays: number;
}

export const fetchMassMessages = (params: PageQuery & { status?: string; q?: string }) => api.paged<PresentedMassMessage>(consoleUrl(`/mass-messages${query(params)}`));
export const fetchMassMessage = (id: string) => api.get<PresentedMassMessage>(consoleUrl(`/mass-messages/${segment(id)}`));
export const previewMassAudience = (audience: MassBody["audience"]) => api.post<{ count: number }>(consoleUrl("/mass-messages/preview"), { audience });
export const createMassMessage = (body: MassBody) => api.post<PresentedMassMessage>(consoleUrl("/mass-messages"), body);
export const updateMassMessage = (id: string, body: MassBody) => api.put<PresentedMassMessage>(consoleUrl(`/mass-messages/${segment(id)}`), body);
export const deleteMassMessage = (id: string) => api.delete<{ id: string; deleted: boolean }>(consoleUrl(`/mass-messages/${segment(id)}`));
export const sendMassMessage = (id: string) => api.post<PresentedMassMessage>(consoleUrl(`/mass-messages/${segment(id)}/send`), {});
export const cancelMassMessage = (id: string) => api.post<PresentedMassMessage>(consoleUrl(`/mass-messages/${segment(id)}/cancel`), {});
export const remindMassMessage = (id: string) => api.post<{ reminded: number; left: number; massMessage: PresentedMassMessage }>(consoleUrl(`/mass-messages/${segment(id)}/wecom-remind`), {});
export const retryMassMessage = (id: string) => api.post<{ guides: number; tasks: number; massMessage: PresentedMassMessage }>(consoleUrl(`/mass-messages/${segment(id)}/retry`), {});
