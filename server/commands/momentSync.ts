// A sent moment's one sync job: who has published (get_moment_task, cursor paged) and each
// publisher's likes and comments (get_moment_comments), then the next look on the tapering
// schedule (domain/momentRules.ts nextMomentSync) until the operator's period ends.
import { nextMomentSync } from "../domain/momentRules.ts";
import { CampaignGuide } from "../models/CampaignGuide.ts";
import { Moment } from "../models/Moment.ts";
import { mapLimit } from "../utils/async.ts";
import type { WeComClient } from "../wecom/client.ts";
import { markCampaignGuideDone, setCampaignGuideFigures } from "./campaignCompletion.ts";
import type { StoredMoment } from "./momentEditor.ts";
import { scheduleSync } from "./momentTimer.ts";

/** get_moment_task's page size limit (§4.8). */
const TASK_PAGE = 1000;

async function publishedGuides(wecom: WeComClient, momentId: string): Promise<string[]> {
  const published: string[] = [];
  let cursor = "";
  do {
    const answer = await wecom.post<{ task_list?: { userid: string; publish_status: number }[]; next_cursor?: string }>("/cgi-bin/externalcontact/get_moment_task", {
      moment_id: momentId,
      cursor,
      limit: TASK_PAGE,
    }, { priority: "bulk" });
    published.push(...(answer.task_list ?? []).filter((task) => task.publish_status === 1).map((task) => task.userid));
    cursor = answer.next_cursor ?? "";
  } while (cursor);
  return published;
}

/**
 * Sync one sent moment and set its next sync.
 *
 * @param props the client, the moment and the clock.
 * @returns figures for the job's log.
 */
export default async function momentSync({ wecom, momentId, now }: { wecom: WeComClient; momentId: string; now: Date }): Promise<Record<string, unknown>> {
  const moment = (await Moment.findById(momentId).lean()) as StoredMoment | null;
  // A cancelled moment keeps its figures as they were at the cancel.
  if (!moment || moment.status !== "sent" || !moment.momentId || !moment.sentAt) {
    return { momentId, skipped: moment?.status ?? "missing" };
  }
  // The first task and any retry task for guides who failed it: each its own moment in WeCom.
  const tasks = [moment.momentId, ...moment.retries.filter((part) => part.status === "sent" && part.momentId).map((part) => part.momentId as string)];
  const figures: { likes: number; comments: number }[] = [];
  let publishedCount = 0;
  for (const wecomMomentId of tasks) {
    const published = await publishedGuides(wecom, wecomMomentId);
    publishedCount += published.length;
    figures.push(
      ...(await mapLimit(published, 4, async (userId) => {
        await markCampaignGuideDone("moment", momentId, userId, now);
        const answer = await wecom.post<{ like_list?: unknown[]; comment_list?: unknown[] }>("/cgi-bin/externalcontact/get_moment_comments", { moment_id: wecomMomentId, userid: userId }, { priority: "bulk" });
        const counts = { likes: answer.like_list?.length ?? 0, comments: answer.comment_list?.length ?? 0 };
        await setCampaignGuideFigures("moment", momentId, userId, counts);
        return counts;
      })),
    );
  }
  const totals = {
    published: publishedCount,
    likes: figures.reduce((sum, entry) => sum + entry.likes, 0),
    comments: figures.reduce((sum, entry) => sum + entry.comments, 0),
  };
  const next = nextMomentSync(moment.sentAt, moment.syncDays, now);
  await Moment.updateOne({ _id: moment._id, status: "sent" }, { $set: { totals, lastSyncedAt: now, nextSyncAt: next } });
  if (next) {
    await scheduleSync(momentId, next);
  }
  return { momentId, ...totals, next: next?.toISOString() ?? null };
}

/**
 * @param momentId the moment.
 * @returns each guide's likes and comments as last synced.
 */
export async function momentGuideFigures(momentId: string): Promise<Map<string, { likes: number; comments: number }>> {
  const guides = await CampaignGuide.find({ kind: "moment", campaignId: momentId }, { userId: 1, figures: 1 }).lean();
  return new Map(guides.map((guide) => [guide.userId, { likes: Number(guide.figures?.likes ?? 0), comments: Number(guide.figures?.comments ?? 0) }]));
}

