// Campaign completion (完成情况) of moments and mass messages: figures, guides, export, 催办 (docs/campaign-completion.md).
import type { PresentedCampaignCompletion, PresentedCampaignGuide, PresentedGuideCampaigns, PresentedReminders } from "@server/presenters/campaignCompletion";
import { api, query } from "@shared/api";
import { consoleUrl, segment, type PageQuery } from "./base";

export type CampaignKind = PresentedCampaignCompletion["kind"];
export type CampaignGuideFilters = { state?: PresentedCampaignGuide["state"]; storeId?: string; q?: string };

const base = (kind: CampaignKind, id: string) => `/campaigns/${kind}/${segment(id)}`;

export const fetchCompletion = (kind: CampaignKind, id: string) => api.get<PresentedCampaignCompletion>(consoleUrl(`${base(kind, id)}/completion`));
export const fetchCampaignGuides = (kind: CampaignKind, id: string, params: PageQuery & CampaignGuideFilters) => api.paged<PresentedCampaignGuide>(consoleUrl(`${base(kind, id)}/guides${query(params)}`));
export const campaignGuidesExportUrl = (kind: CampaignKind, id: string, filters: CampaignGuideFilters) => consoleUrl(`${base(kind, id)}/guides.xlsx${query(filters)}`);
/** 催办: the guides chosen, or none for every guide still to do it (in the actor's stores). */
export const remindCampaignGuides = (kind: CampaignKind, id: string, userIds?: string[]) => api.post<PresentedReminders>(consoleUrl(`${base(kind, id)}/remind`), userIds ? { userIds } : {});
/** One guide's campaigns, newest first, with the pagination beside them. */
export const fetchGuideCampaigns = (userId: string, params: PageQuery) => api.answer<PresentedGuideCampaigns, object>(consoleUrl(`/campaigns/guides/${segment(userId)}${query(params)}`));
