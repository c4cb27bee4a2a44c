// At a moment's time: resolve its publishers, hand WeCom the task (add_moment_task), keep the
// jobid before anything else, then follow the task to its result (get_moment_task_result). Run by
// the moment's one publish job, which sets itself again while WeCom is busy or still working, so
// a run twice, or a process that dies anywhere, never adds a second task.
import { AppError, WeComApiError } from "../errors.ts";
import { nextMomentSync } from "../domain/momentRules.ts";
import { Moment } from "../models/Moment.ts";
import type { WeComClient } from "../wecom/client.ts";
import { assignCampaignGuides, markCampaignGuideFailed } from "./campaignCompletion.ts";
import { forgetWecomMediaId, wecomMediaId } from "./mediaLibrary.ts";
import type { StoredMoment } from "./momentEditor.ts";
import { settleMomentMix } from "./momentMix.ts";
import { resolveMomentPublishers } from "./momentPublishers.ts";
import { publishRetries } from "./momentRetrier.ts";
import { schedulePublish, scheduleSync } from "./momentTimer.ts";

/** WeCom is still busy with other moment tasks (41078) or this one (41079): try again later (§3.4). */
export const BUSY = new Set([41078, 41079]);
export const RETRY_BUSY_MS = 10 * 60_000;
export const POLL_MS = 30_000;
const RETRY_NETWORK_MS = 5 * 60_000;
/** A jobid's result can be read for 24 hours (§4.8). */
const JOBID_LIFETIME_MS = 24 * 3600_000;

const REASONS: Record<number, string> = {
  40003: "成员账号无效",
  60111: "成员账号不存在",
  40058: "参数不合法",
  40007: "图片或视频已失效",
  48002: "应用没有客户朋友圈接口权限",
  84074: "没有客户联系权限",
};
export const reasonOf = (error: WeComApiError | { errcode: number; errmsg: string }) => `企业微信拒绝：${REASONS[error.errcode] ?? error.errmsg}（${error.errcode}）`;

export type Outcome = { status: string; detail?: string };

/** The moment's attachments as add_moment_task takes them (media ids from the library). */
export async function attachments(wecom: WeComClient, moment: StoredMoment, now: Date): Promise<Record<string, unknown>[]> {
  const { attachment } = moment;
  if (attachment.type === "images") {
    return Promise.all(attachment.fileIds.map(async (id) => ({ msgtype: "image", image: { media_id: await wecomMediaId(wecom, id, "moment", now) } })));
  }
  if (attachment.type === "video") {
    return [{ msgtype: "video", video: { media_id: await wecomMediaId(wecom, attachment.fileIds[0]!, "moment", now) } }];
  }
  if (attachment.type === "link" && attachment.link) {
    const cover = attachment.link.coverFileId ? await wecomMediaId(wecom, attachment.link.coverFileId, "moment", now) : undefined;
    return [{ msgtype: "link", link: { title: attachment.link.title, url: attachment.link.url, ...(cover ? { media_id: cover } : {}) } }];
  }
  return [];
}

async function fail(moment: StoredMoment, reason: string, now: Date): Promise<Outcome> {
  await Moment.updateOne({ _id: moment._id, status: "sending" }, { $set: { status: "failed", failReason: reason } });
  for (const userId of moment.senderUserIds) {
    await markCampaignGuideFailed("moment", String(moment._id), userId, reason, now);
  }
  return { status: "failed", detail: reason };
}

async function later(moment: StoredMoment, reason: string, at: Date): Promise<Outcome> {
  await Moment.updateOne({ _id: moment._id }, { $set: { failReason: reason } });
  await schedulePublish(String(moment._id), at);
  return { status: "waiting", detail: reason };
}

/** Hand WeCom the task and store its jobid; the moment is already claimed (sending). */
async function addTask(wecom: WeComClient, moment: StoredMoment, now: Date): Promise<StoredMoment | Outcome> {
  const id = String(moment._id);
  const userIds = moment.senderUserIds.length > 0 ? moment.senderUserIds : await resolveMomentPublishers(moment.publishers);
  if (userIds.length === 0) {
    return fail(moment, "发表时所选门店、部门或导购中已没有在职导购", now);
  }
  await Moment.updateOne({ _id: moment._id }, { $set: { senderUserIds: userIds } });
  await assignCampaignGuides("moment", id, userIds, now);
  let body: Record<string, unknown>;
  try {
    body = {
      text: { content: moment.text },
      attachments: await attachments(wecom, moment, now),
      visible_range: {
        sender_list: { user_list: userIds },
        ...(moment.visibleTagIds.length > 0 ? { external_contact_list: { tag_list: moment.visibleTagIds } } : {}),
      },
    };
  } catch (error) {
    if (error instanceof AppError) {
      // A file deleted or unfit since the moment was planned: the operator must choose again.
      return fail({ ...moment, senderUserIds: userIds }, error.message.replace(/^file: /, ""), now);
    }
    return later(moment, "上传图片或视频到企业微信失败，稍后自动重试", new Date(now.getTime() + RETRY_NETWORK_MS));
  }
  // Uploads take a while: an operator may have cancelled meanwhile, and then nothing goes to WeCom.
  if (!(await Moment.exists({ _id: moment._id, status: "sending" }))) {
    return { status: "cancelled" };
  }
  let jobId: string;
  try {
    jobId = (await wecom.post<{ jobid: string }>("/cgi-bin/externalcontact/add_moment_task", body, { priority: "bulk" })).jobid;
  } catch (error) {
    if (error instanceof WeComApiError && BUSY.has(error.errcode)) {
      return later(moment, "企业微信仍有朋友圈任务在处理，稍后自动重试", new Date(now.getTime() + RETRY_BUSY_MS));
    }
    if (error instanceof WeComApiError && error.errcode === 40007) {
      // A cached media id WeCom no longer has: upload again on the next try.
      await Promise.all([...moment.attachment.fileIds, moment.attachment.link?.coverFileId].filter((fileId): fileId is string => Boolean(fileId)).map((fileId) => forgetWecomMediaId(fileId, "moment")));
      return later(moment, "图片或视频已在企业微信过期，重新上传后重试", new Date(now.getTime() + 60_000));
    }
    if (error instanceof WeComApiError) {
      return fail({ ...moment, senderUserIds: userIds }, reasonOf(error), now);
    }
    return later(moment, "企业微信暂时无法访问，稍后自动重试", new Date(now.getTime() + RETRY_NETWORK_MS));
  }
  // The jobid first: a task whose jobid is lost can never be followed.
  await Moment.updateOne({ _id: moment._id }, { $set: { jobId, jobIdAt: now, failReason: "" } });
  return { ...moment, senderUserIds: userIds, jobId, jobIdAt: now };
}

export interface TaskResult {
  status: number;
  result?: {
    errcode: number;
    errmsg: string;
    moment_id?: string;
    invalid_sender_list?: { user_list?: string[]; department_list?: number[] };
    invalid_external_contact_list?: { tag_list?: string[] };
  };
}

/** Read the task's result: done → the moment is sent, invalid senders fail, the sync starts. */
async function followTask(wecom: WeComClient, moment: StoredMoment, now: Date): Promise<Outcome> {
  const id = String(moment._id);
  let answer: TaskResult;
  try {
    answer = await wecom.get<TaskResult>("/cgi-bin/externalcontact/get_moment_task_result", { jobid: moment.jobId! }, { priority: "bulk" });
  } catch (error) {
    if (error instanceof WeComApiError && moment.jobIdAt && now.getTime() - moment.jobIdAt.getTime() >= JOBID_LIFETIME_MS) {
      return fail(moment, "企业微信任务结果已过期（24 小时），请检查企业微信后台", now);
    }
    return later(moment, "正在等待企业微信返回结果", new Date(now.getTime() + (error instanceof WeComApiError ? POLL_MS : RETRY_NETWORK_MS)));
  }
  if (answer.status !== 3 || !answer.result) {
    return later(moment, "", new Date(now.getTime() + POLL_MS));
  }
  const { result } = answer;
  if (result.errcode !== 0 || !result.moment_id) {
    if (BUSY.has(result.errcode)) {
      // The task never started: a new one may be added.
      await Moment.updateOne({ _id: moment._id, jobId: moment.jobId }, { $set: { jobId: null, jobIdAt: null } });
      return later(moment, "企业微信仍有朋友圈任务在处理，稍后自动重试", new Date(now.getTime() + RETRY_BUSY_MS));
    }
    return fail(moment, reasonOf(result), now);
  }
  const invalidUsers = result.invalid_sender_list?.user_list ?? [];
  for (const userId of invalidUsers) {
    await markCampaignGuideFailed("moment", id, userId, "企业微信未能下发：账号无效、未激活或不在应用可见范围", now);
  }
  const next = nextMomentSync(now, moment.syncDays, now);
  await Moment.updateOne(
    { _id: moment._id, status: "sending" },
    {
      $set: {
        status: "sent",
        momentId: result.moment_id,
        sentAt: now,
        failReason: "",
        invalidUserIds: invalidUsers,
        invalidDepartmentIds: result.invalid_sender_list?.department_list ?? [],
        invalidTagIds: result.invalid_external_contact_list?.tag_list ?? [],
        nextSyncAt: next,
      },
    },
  );
  if (next) {
    await scheduleSync(id, next);
  }
  return { status: "sent", detail: `invalid senders: ${invalidUsers.length}` };
}

/**
 * Run a moment's publish step: claim it at its time, add the WeCom task once, follow it.
 *
 * @param props the client, the moment and the clock.
 * @returns what happened, for the job's log.
 */
export default async function momentPublisher({ wecom, momentId, now }: { wecom: WeComClient; momentId: string; now: Date }): Promise<Outcome> {
  let moment = (await Moment.findById(momentId).lean()) as StoredMoment | null;
  if (moment?.status === "sent" && moment.momentId) {
    // Sent: what is left are the tasks for guides the operator asked to retry.
    return publishRetries(wecom, moment, now);
  }
  if (!moment || !["scheduled", "sending"].includes(moment.status)) {
    return { status: moment?.status ?? "missing" };
  }
  await settleMomentMix(moment._id);
  if (moment.status === "scheduled") {
    if (moment.scheduledAt.getTime() > now.getTime()) {
      // Woken early (a moved time whose old job survived): wait for the time.
      await schedulePublish(momentId, moment.scheduledAt);
      return { status: "scheduled" };
    }
    moment = (await Moment.findOneAndUpdate({ _id: moment._id, status: "scheduled" }, { $set: { status: "sending" } }, { returnDocument: "after", lean: true })) as StoredMoment | null;
    if (!moment) {
      return { status: "claimed elsewhere" };
    }
  }
  if (moment.momentId) {
    return { status: moment.status };
  }
  if (!moment.jobId) {
    const added = await addTask(wecom, moment, now);
    if (!("_id" in added)) {
      return added;
    }
    moment = added;
  }
  return followTask(wecom, moment, now);
}
