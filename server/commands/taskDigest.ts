// The morning digest: each guide with open tasks gets one app message (a textcard, §10.1) with
// their counts by kind and a link to the sidebar's task list, once per guide per China day.
import { chinaDate } from "../domain/chinaTime.ts";
import { getLogger } from "../logging/logger.ts";
import { TaskDigest, taskDigestId } from "../models/TaskDigest.ts";
import type { WeComClient } from "../wecom/client.ts";
import { sendGuideCard } from "./guideAppMessages.ts";
import { kindCounts, openTaskSummaries, type GuideTaskSummary } from "./guideTaskSummary.ts";

/** A claim older than this was left by a process that died mid-send: it is taken again. */
export const STALE_CLAIM_MS = 10 * 60_000;
/** WeCom delivers an identical request once in this window, covering a resend after a crash. */
const DUPLICATE_CHECK_SECONDS = 4 * 3600;
/** Guides sent to at once: each is one call at bulk priority, which the rate limiter paces. */
const CONCURRENCY = 8;

/** What a run did. */
export interface DigestOutcome {
  /** Guides with open tasks. */
  guides: number;
  sent: number;
  /** Already sent today, or being sent by another process. */
  already: number;
  /** Unknown to WeCom (outside the app's visible range, departed). */
  invalid: number;
  failed: number;
  /** Why nothing was sent at all. */
  skipped?: string;
}

/**
 * Take the guide's digest of the day, unless it was sent or another process holds a fresh claim.
 *
 * @returns whether this run sends it.
 */
async function claim(summary: GuideTaskSummary, day: string, now: Date): Promise<boolean> {
  const _id = taskDigestId(summary.userId, day);
  try {
    await TaskDigest.create({ _id, userId: summary.userId, day, state: "sending", claimedAt: now, open: summary.open });
    return true;
  } catch (error) {
    if ((error as { code?: number }).code !== 11000) {
      throw error;
    }
  }
  const stale = await TaskDigest.updateOne({ _id, state: "sending", claimedAt: { $lt: new Date(now.getTime() - STALE_CLAIM_MS) } }, { $set: { claimedAt: now, open: summary.open } });
  return stale.modifiedCount === 1;
}

/**
 * @param summary the guide's open tasks.
 * @param url the sidebar's task list.
 * @returns the card.
 */
export function digestCard(summary: GuideTaskSummary, url: string) {
  return {
    title: `今日任务：${summary.open} 项待办`,
    description: [kindCounts(summary), summary.overdue ? `其中 ${summary.overdue} 项已逾期，请优先处理` : "", "打开任务列表，逐个联系客户"].filter(Boolean).join("\n"),
    url,
    btntxt: "去处理",
  };
}

/**
 * Send the day's digests. Safe to run again the same day: guides already sent to are skipped by
 * the day's unique key, and a guide whose send failed is sent to by the next run.
 *
 * @param props the client, the app's agentid (none: nothing is sent, as 催办 refuses without it), the task list's URL and the clock.
 * @returns what was sent.
 */
export default async function sendTaskDigests(props: { wecom: WeComClient; agentId: string | undefined; url: string; now: Date }): Promise<DigestOutcome> {
  const { now } = props;
  const outcome: DigestOutcome = { guides: 0, sent: 0, already: 0, invalid: 0, failed: 0 };
  if (!props.agentId) {
    return { ...outcome, skipped: "未配置企业微信自建应用（WECOM_AGENT_ID），不发送任务提醒" };
  }
  const day = chinaDate(now);
  const summaries = await openTaskSummaries(now);
  outcome.guides = summaries.length;
  const log = getLogger("job");
  const sendOne = async (summary: GuideTaskSummary) => {
    if (!(await claim(summary, day, now))) {
      outcome.already += 1;
      return;
    }
    const _id = taskDigestId(summary.userId, day);
    try {
      const sent = await sendGuideCard({ wecom: props.wecom, agentId: props.agentId, userIds: [summary.userId], card: digestCard(summary, props.url), priority: "bulk", duplicateCheckSeconds: DUPLICATE_CHECK_SECONDS });
      const state = sent.sent.length > 0 ? "sent" : "invalid";
      await TaskDigest.updateOne({ _id }, { $set: { state, sentAt: now } });
      outcome[state === "sent" ? "sent" : "invalid"] += 1;
    } catch (error) {
      // Released, so the next run (or tomorrow's) tries again instead of the claim going stale.
      await TaskDigest.deleteOne({ _id, state: "sending" });
      outcome.failed += 1;
      log.warn({ jobName: "SendTaskDigestJob", userId: summary.userId, err: error }, "task digest not sent");
    }
  };
  for (let start = 0; start < summaries.length; start += CONCURRENCY) {
    await Promise.all(summaries.slice(start, start + CONCURRENCY).map(sendOne));
  }
  return outcome;
}
