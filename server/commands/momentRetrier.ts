// Guides WeCom refused (an invalid sender, a whole task refused) are tried again for those guides
// only, once the operator has fixed what WeCom complained about. A failed moment is handed to
// WeCom again as a whole; a sent one gets a further task (its own jobid and moment_id) for the
// failed guides, added and followed by the moment's publish job like the first.
import { Types } from "mongoose";
import { AppError, ConflictError, NotFoundError, ValidationError, WeComApiError } from "../errors.ts";
import { CampaignGuide } from "../models/CampaignGuide.ts";
import { Moment } from "../models/Moment.ts";
import type { WeComClient } from "../wecom/client.ts";
import { markCampaignGuideFailed, retryCampaignGuide } from "./campaignCompletion.ts";
import type { StoredMoment } from "./momentEditor.ts";
import { attachments, BUSY, POLL_MS, reasonOf, RETRY_BUSY_MS, type Outcome, type TaskResult } from "./momentPublisher.ts";
import { schedulePublish, scheduleSync } from "./momentTimer.ts";

type Part = StoredMoment["retries"][number];

/**
 * Try the failed guides of a moment again.
 *
 * @param props the moment, which failed guides (all when empty) and the clock.
 * @returns the stored moment.
 */
export async function retryMomentGuides({ id, userIds, now }: { id: string; userIds: string[]; now: Date }): Promise<StoredMoment> {
  const moment = (await Moment.findById(id).lean()) as StoredMoment | null;
  if (!moment) {
    throw NotFoundError("moment");
  }
  if (moment.status !== "sent" && moment.status !== "failed") {
    throw ConflictError("status: 只有已下发或发表失败的朋友圈可以重试");
  }
  const failed = await CampaignGuide.find({ kind: "moment", campaignId: id, state: "failed", ...(userIds.length > 0 ? { userId: { $in: userIds } } : {}) }, { userId: 1 }).lean();
  if (failed.length === 0) {
    throw ValidationError("userIds: 没有发表失败的导购可以重试");
  }
  const retried = failed.map((guide) => guide.userId).sort();
  if (moment.status === "failed") {
    // Nothing reached WeCom: the whole moment goes again, to the same guides.
    await Moment.updateOne({ _id: moment._id, status: "failed" }, { $set: { status: "sending", jobId: null, jobIdAt: null, failReason: "" } });
  } else {
    const part = { _id: new Types.ObjectId().toString(), userIds: retried, status: "pending", at: now };
    await Moment.updateOne({ _id: moment._id }, { $push: { retries: part }, $pull: { invalidUserIds: { $in: retried } } });
  }
  for (const userId of retried) {
    await retryCampaignGuide("moment", id, userId);
  }
  await schedulePublish(id, now);
  return (await Moment.findById(id).lean()) as StoredMoment;
}

const setPart = (moment: StoredMoment, part: Part, fields: Record<string, unknown>) =>
  Moment.updateOne({ _id: moment._id, "retries._id": part._id }, { $set: Object.fromEntries(Object.entries(fields).map(([key, value]) => [`retries.$.${key}`, value])) });

async function failPart(moment: StoredMoment, part: Part, reason: string, now: Date): Promise<void> {
  await setPart(moment, part, { status: "failed", failReason: reason });
  for (const userId of part.userIds) {
    await markCampaignGuideFailed("moment", String(moment._id), userId, reason, now);
  }
}

/** Add (once: a stored jobid is never added again) and follow one retry task. */
async function publishPart(wecom: WeComClient, moment: StoredMoment, part: Part, now: Date): Promise<Date | null> {
  let jobId = part.jobId;
  if (!jobId) {
    try {
      const body = {
        text: { content: moment.text },
        attachments: await attachments(wecom, moment, now),
        visible_range: { sender_list: { user_list: part.userIds }, ...(moment.visibleTagIds.length > 0 ? { external_contact_list: { tag_list: moment.visibleTagIds } } : {}) },
      };
      jobId = (await wecom.post<{ jobid: string }>("/cgi-bin/externalcontact/add_moment_task", body, { priority: "bulk" })).jobid;
    } catch (error) {
      if (error instanceof WeComApiError && !BUSY.has(error.errcode)) {
        await failPart(moment, part, reasonOf(error), now);
        return null;
      }
      if (error instanceof AppError) {
        await failPart(moment, part, error.message.replace(/^file: /, ""), now);
        return null;
      }
      return new Date(now.getTime() + RETRY_BUSY_MS);
    }
    await setPart(moment, part, { jobId, jobIdAt: now });
  }
  const answer = await wecom.get<TaskResult>("/cgi-bin/externalcontact/get_moment_task_result", { jobid: jobId }, { priority: "bulk" }).catch(() => null);
  if (!answer || answer.status !== 3 || !answer.result) {
    return new Date(now.getTime() + POLL_MS);
  }
  if (answer.result.errcode !== 0 || !answer.result.moment_id) {
    await failPart(moment, part, reasonOf(answer.result), now);
    return null;
  }
  const invalid = answer.result.invalid_sender_list?.user_list ?? [];
  for (const userId of invalid) {
    await markCampaignGuideFailed("moment", String(moment._id), userId, "企业微信未能下发：账号无效、未激活或不在应用可见范围", now);
  }
  await setPart(moment, part, { status: "sent", momentId: answer.result.moment_id, failReason: "" });
  if (invalid.length > 0) {
    await Moment.updateOne({ _id: moment._id }, { $addToSet: { invalidUserIds: { $each: invalid } } });
  }
  return null;
}

/**
 * The publish job's work on a sent moment: its pending retry tasks.
 *
 * @param wecom the client.
 * @param moment the sent moment.
 * @param now the clock.
 * @returns what happened.
 */
export async function publishRetries(wecom: WeComClient, moment: StoredMoment, now: Date): Promise<Outcome> {
  const pending = moment.retries.filter((part) => part.status === "pending");
  const nexts: number[] = [];
  for (const part of pending) {
    const next = await publishPart(wecom, moment, part, now);
    if (next) {
      nexts.push(next.getTime());
    }
  }
  if (nexts.length > 0) {
    await schedulePublish(String(moment._id), new Date(Math.min(...nexts)));
    return { status: "waiting", detail: `retries: ${pending.length}` };
  }
  if (pending.length > 0) {
    // Look at who published soon, whatever the taper says.
    await scheduleSync(String(moment._id), new Date(now.getTime() + 10 * 60_000));
  }
  return { status: moment.status, detail: `retries: ${pending.length}` };
}
