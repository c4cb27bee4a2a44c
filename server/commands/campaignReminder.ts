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

/**
 * Campaigns one guide may be reminded of within an hour. With the 10-minute gap per campaign that
 * is at most 20 messages a minute and 120 an hour from 催办, under WeCom's 30 and 1000, leaving
 * room for the app's other messages (loss alerts).
 */
export const REMINDED_CAMPAIGNS_PER_HOUR = 20;

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
 * Guides reminded of REMINDED_CAMPAIGNS_PER_HOUR campaigns in the last hour (any kind).
 *
 * @param userIds the guides asked for.
 * @param now the clock.
 * @returns those to leave out this time.
 */
async function busyGuides(userIds: string[], now: Date): Promise<Set<string>> {
  const counts = await CampaignGuide.aggregate<{ _id: string; campaigns: number }>([
    { $match: { userId: { $in: userIds }, lastRemindedAt: { $gt: new Date(now.getTime() - 3_600_000) } } },
    { $group: { _id: "$userId", campaigns: { $sum: 1 } } },
  ]);
  return new Set(counts.filter((entry) => entry.campaigns >= REMINDED_CAMPAIGNS_PER_HOUR).map((entry) => entry._id));
}

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
  const busy = await busyGuides(props.userIds, now);
  const claimed = await claimCampaignReminders(kind, campaignId, props.userIds.filter((userId) => !busy.has(userId)), now, new Date(now.getTime() - gapMs));
  const unclaimed = props.userIds.filter((userId) => !claimed.includes(userId) && !busy.has(userId));
  const left = await CampaignGuide.find({ kind, campaignId, userId: { $in: unclaimed } }, { userId: 1, state: 1, lastRemindedAt: 1 }).lean();
  const recent = left.filter((guide) => guide.state === "assigned" && guide.lastRemindedAt);
  const skipped = [...busy].map((userId) => ({ userId, reason: `1 小时内已被催办 ${REMINDED_CAMPAIGNS_PER_HOUR} 个任务，请稍后再催（企业微信会丢弃过多的应用消息）` }));
  skipped.push(...left.map((guide) => ({
    userId: guide.userId,
    reason: guide.state === "assigned" && guide.lastRemindedAt ? `${hhmm(guide.lastRemindedAt)} 已提醒过，${hhmm(new Date(guide.lastRemindedAt.getTime() + gapMs))} 后可再次提醒` : `${CAMPAIGN_GUIDE_STATE_LABELS[guide.state as CampaignGuideState]}，无需提醒`,
  })));
  if (claimed.length === 0) {
    const soonest = recent.map((guide) => (guide.lastRemindedAt as Date).getTime() + gapMs).sort((a, b) => a - b)[0];
    if (busy.size > 0 && soonest === undefined) {
      throw ConflictError(skipped[0]?.reason ?? "这些导购刚被催办过很多次，请稍后再催");
    }
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
