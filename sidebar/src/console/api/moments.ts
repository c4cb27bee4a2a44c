// 朋友圈: customer moments the brand asks guides to publish, and each month's content mix (docs/moments.md).
import type { PresentedMoment, PresentedMomentMix } from "@server/presenters/moment";
import { api, query } from "@shared/api";
import { consoleUrl, segment, type PageQuery } from "./base";

/** The body of `POST /moments` and `PUT /moments/:id`. */
export interface MomentBody {
  text: string;
  attachment: { type: PresentedMoment["attachment"]["type"]; fileIds: string[]; link: { title: string; url: string; coverFileId: string } | null };
  kind: PresentedMoment["kind"];
  publishers: { departmentIds: number[]; userIds: string[] };
  visibleTagIds: string[];
  scheduledAt: string;
  syncDays: number;
  draft: boolean;
}

export type MomentFilters = { month?: string; status?: string; kind?: string; q?: string };

export const fetchMoments = (params: PageQuery & MomentFilters) => api.paged<PresentedMoment>(consoleUrl(`/moments${query(params)}`));
export const fetchMoment = (id: string) => api.get<PresentedMoment>(consoleUrl(`/moments/${segment(id)}`));
export const fetchMomentMix = (month: string) => api.get<PresentedMomentMix>(consoleUrl(`/moments/mix${query({ month })}`));
export const createMoment = (body: MomentBody) => api.post<PresentedMoment>(consoleUrl("/moments"), body);
export const updateMoment = (id: string, body: MomentBody) => api.put<PresentedMoment>(consoleUrl(`/moments/${segment(id)}`), body);
export const deleteMoment = (id: string) => api.delete<{ id: string; deleted: boolean }>(consoleUrl(`/moments/${segment(id)}`));
export const cancelMoment = (id: string) => api.post<PresentedMoment>(consoleUrl(`/moments/${segment(id)}/cancel`), {});
/** Try the failed guides again (all of them when none are named). */
export const retryMoment = (id: string, userIds: string[] = []) => api.post<PresentedMoment>(consoleUrl(`/moments/${segment(id)}/retry`), { userIds });
