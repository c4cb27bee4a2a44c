// 催办: remind guides who have not done their part of a campaign by an app message (textcard).
import { CHINA_OFFSET_MS } from "../domain/chinaTime.ts";
import { ConflictError } from "../errors.ts";
import { CampaignGuide, type CampaignGuideState, type CampaignKind } from "../models/CampaignGuide.ts";
import { CAMPAIGN_GUIDE_STATE_LABELS } from "../presenters/labels.ts";
import type { WeComClient } from "../wecom/client.ts";
import { claimCampaignReminders, releaseCampaignReminders } from "./campaignCompletion.ts";
import { assertAgentConfigured, sendGuideCard } from "./guideAppMessages.ts";

/**
 * One guide is reminded of one campaign at most once in this many minutes. WeCom silently drops
 * app messages past 30 a minute or 1000 an hour to one member; a 10-minute gap per campaign keeps
 * a guide far under that however often the console's button is pressed.
 */
export const REMIND_GAP_MINUTES = 10;

const ACTIONS: Record<CampaignKind, { title: string; body: string }> = {
  moment: { title: "催办：请发表朋友圈", body: "请在企业微信「客户朋友圈」里发表这条企业朋友圈" },
  mass: { title: "催办：请发送群发消息", body: "请在企业微信「群发助手」里确认发送这条群发消息" },
};

/** What a 催办 did. */
export interface ReminderOutcome {
  reminded: string[];
  /** Guides left out: reminded too recently (with when they may be reminded again), or unknown to WeCom. */
  skipped: { userId: string; reason: string }[];
}

const hhmm = (at: Date) => new Date(at.getTime() + CHINA_OFFSET_MS).toISOString().slice(11, 16);

/**
 * Remind guides of a campaign. Only guides still assigned (not done, failed or cancelled) are
 * reminded; one reminded in the last REMIND_GAP_MINUTES is skipped, and when every guide asked
 * for was, the call is refused saying when it is possible again.
 *
 * @param props the client, agentid, campaign (kind, id, name), the guides asked for, the link the card opens and the clock.
 * @returns who was reminded and who was not.
 * @throws 503 without an agent; 409 when nobody can be reminded now.
 */
export async function remindCampaignGuides(props: {
  wecom: WeComClient;
  agentId: string | undefined;
  kind: CampaignKind;
  campaignId: string;
  campaignName: string;
  userIds: string[];
  url: string;
  now: Date;
}): Promise<ReminderOutcome> {
  const { kind, campaignId, now } = props;
  assertAgentConfigured(props.agentId);
  const gapMs = REMIND_GAP_MINUTES * 60_000;
  const claimed = await claimCampaignReminders(kind, campaignId, props.userIds, now, new Date(now.getTime() - gapMs));
  const unclaimed = props.userIds.filter((userId) => !claimed.includes(userId));
  const left = await CampaignGuide.find({ kind, campaignId, userId: { $in: unclaimed } }, { userId: 1, state: 1, lastRemindedAt: 1 }).lean();
  const recent = left.filter((guide) => guide.state === "assigned" && guide.lastRemindedAt);
  const skipped = left.map((guide) => ({
    userId: guide.userId,
    reason: guide.state === "assigned" && guide.lastRemindedAt ? `${hhmm(guide.lastRemindedAt)} 已提醒过，${hhmm(new Date(guide.lastRemindedAt.getTime() + gapMs))} 后可再次提醒` : `${CAMPAIGN_GUIDE_STATE_LABELS[guide.state as CampaignGuideState]}，无需提醒`,
  }));
  if (claimed.length === 0) {
    const soonest = recent.map((guide) => (guide.lastRemindedAt as Date).getTime() + gapMs).sort((a, b) => a - b)[0];
    throw ConflictError(soonest !== undefined ? `这些导购刚被提醒过，同一导购 ${REMIND_GAP_MINUTES} 分钟内只提醒一次，${hhmm(new Date(soonest))} 后可再次提醒` : "没有需要提醒的导购（都已完成、失败或已取消）");
  }
  const action = ACTIONS[kind];
  try {
    const outcome = await sendGuideCard({
      wecom: props.wecom,
      agentId: props.agentId,
      userIds: claimed,
      card: { title: action.title, description: `「${props.campaignName}」还没有完成。${action.body}。`, url: props.url, btntxt: "去完成" },
    });
    await releaseCampaignReminders(kind, campaignId, outcome.invalid, now);
    return { reminded: outcome.sent, skipped: [...skipped, ...outcome.invalid.map((userId) => ({ userId, reason: "企业微信找不到该导购（不在应用可见范围或已离职）" }))] };
  } catch (error) {
    await releaseCampaignReminders(kind, campaignId, claimed, now);
    throw error;
  }
}
