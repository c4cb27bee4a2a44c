import { ConflictError, NotFoundError, WeComApiError } from "../errors.ts";
import { Moment } from "../models/Moment.ts";
import type { WeComClient } from "../wecom/client.ts";
import { cancelCampaignGuides } from "./campaignCompletion.ts";
import type { StoredMoment } from "./momentEditor.ts";
import { mixChange, settleMomentMix } from "./momentMix.ts";
import momentPublisher from "./momentPublisher.ts";
import { cancelMomentJobs } from "./momentTimer.ts";

/**
 * Cancel a moment. Before its time: its job goes. Once WeCom has the task: cancel_moment_task
 * (guides who published keep their post; the rest no longer can), and the guides who had not
 * published are cancelled in the completion counts. It leaves the month's content mix.
 *
 * @param props the client, the moment and the clock.
 * @returns the stored moment.
 */
export default async function momentCanceller({ wecom, id, now }: { wecom: WeComClient; id: string; now: Date }): Promise<StoredMoment> {
  let moment = (await Moment.findById(id).lean()) as StoredMoment | null;
  if (!moment) {
    throw NotFoundError("moment");
  }
  if (moment.status === "cancelled") {
    return moment;
  }
  if (moment.status === "failed") {
    throw ConflictError("status: 发表失败的朋友圈无需取消");
  }
  if (moment.status === "sending" && moment.jobId && !moment.momentId) {
    // WeCom has the task but we do not know its moment_id yet: read the result once.
    await momentPublisher({ wecom, momentId: id, now });
    moment = (await Moment.findById(id).lean()) as StoredMoment;
    if (!moment.momentId) {
      throw ConflictError("status: 企业微信仍在创建这条朋友圈，请稍后再取消");
    }
  }
  const tasks = [moment.momentId, ...moment.retries.map((part) => part.momentId)].filter((id): id is string => Boolean(id));
  for (const wecomMomentId of tasks) {
    await wecom.post("/cgi-bin/externalcontact/cancel_moment_task", { moment_id: wecomMomentId }).catch((error: unknown) => {
      throw error instanceof WeComApiError
        ? ConflictError(`status: 企业微信拒绝取消：${error.errmsg}（${error.errcode}）`)
        : ConflictError("status: 企业微信暂时无法访问，朋友圈未取消，请稍后再试");
    });
  }
  await settleMomentMix(moment._id);
  await Moment.updateOne({ _id: moment._id, status: { $ne: "cancelled" } }, { $set: { status: "cancelled", cancelledAt: now, nextSyncAt: null, ...mixChange(null) } });
  await cancelMomentJobs(id);
  await cancelCampaignGuides("moment", id, now);
  await settleMomentMix(moment._id);
  return (await Moment.findById(id).lean()) as StoredMoment;
}
