import { UnprocessableError } from "../errors.ts";
import { CampaignGuide, campaignGuideId } from "../models/CampaignGuide.ts";
import { MassMessage, type MassMessageAttrs } from "../models/MassMessage.ts";
import { MassMessageTask, massTaskId } from "../models/MassMessageTask.ts";
import { retryCampaignGuide } from "./campaignCompletion.ts";
import { scheduleMassDispatch } from "./massMessageTimer.ts";

/**
 * Try again the guides WeCom refused: their failed tasks go back to planned and the campaign back
 * to dispatching; nobody else's task is touched, so nobody gets it twice.
 *
 * @param props the campaign and the clock.
 * @returns how many guides and tasks were put back.
 */
export default async function massMessageRetrier({ massMessageId, now }: { massMessageId: string; now: Date }): Promise<{ guides: number; tasks: number }> {
  const campaign = await MassMessage.findById(massMessageId).lean<MassMessageAttrs>();
  if (!campaign || !["sent", "failed", "dispatching"].includes(campaign.status ?? "") || campaign.plan.length === 0) {
    throw UnprocessableError("not_retriable", "status: 只有已发出的群发可以重试失败的导购");
  }
  let guides = 0;
  let tasks = 0;
  for (const guide of campaign.plan) {
    const userId = guide.userId ?? "";
    const part = await CampaignGuide.findById(campaignGuideId("mass", massMessageId, userId), { state: 1 }).lean();
    if (part?.state !== "failed") {
      continue;
    }
    for (let chunk = 0; chunk < (guide.chunks ?? 0); chunk++) {
      const back = await MassMessageTask.updateOne({ _id: massTaskId(massMessageId, userId, chunk), state: "failed" }, { $set: { state: "planned", failReason: "" } });
      tasks += back.modifiedCount;
    }
    guides += (await retryCampaignGuide("mass", massMessageId, userId)) ? 1 : 0;
  }
  if (tasks === 0) {
    throw UnprocessableError("nothing_to_retry", "guides: 没有失败的导购需要重试");
  }
  await MassMessage.updateOne({ _id: massMessageId, status: { $in: ["sent", "failed", "dispatching"] } }, { $set: { status: "dispatching", failReason: "" } });
  await scheduleMassDispatch(massMessageId, now);
  return { guides, tasks };
}
