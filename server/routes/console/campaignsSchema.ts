import { z } from "zod";
import { CAMPAIGN_GUIDE_STATES } from "../../models/CampaignGuide.ts";
import { page, pageSize } from "./fields.ts";

const campaignId = z.string().trim().min(1, "应为活动 id").max(64, "应为活动 id");
const userId = z.string().trim().min(1, "不能为空").max(64, "不能超过 64 个字符");

export const CampaignIdSchema = z.object({ params: z.object({ id: campaignId }) });

const guideFilter = z.object({
  state: z.enum(CAMPAIGN_GUIDE_STATES, "应为 assigned（未完成）、done（已完成）、failed（失败）或 cancelled（已取消）").optional(),
  storeId: z.string().regex(/^\d{1,12}$/, "应为门店 id").optional(),
  q: z.string().trim().max(40, "不能超过 40 个字符").optional(),
});

export const CampaignGuideListSchema = z.object({
  params: z.object({ id: campaignId }),
  query: guideFilter.extend({ page, pageSize }),
});

export const CampaignGuideExportSchema = z.object({ params: z.object({ id: campaignId }), query: guideFilter });

export const CampaignRemindSchema = z.object({
  params: z.object({ id: campaignId }),
  body: z.object({ userIds: z.array(userId).min(1, "至少选择一名导购").max(5000, "一次最多提醒 5000 名导购").optional() }),
});

export const GuideCampaignsSchema = z.object({
  params: z.object({ userId }),
  query: z.object({ page, pageSize }),
});
