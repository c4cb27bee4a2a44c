import { UnprocessableError } from "../errors.ts";
import { MassMessage, type MassMessageAttrs } from "../models/MassMessage.ts";
import { MassMessageTask, massTaskId } from "../models/MassMessageTask.ts";
import { mapLimit } from "../utils/async.ts";
import type { WeComClient } from "../wecom/client.ts";
import { cancelCampaignGuides } from "./campaignCompletion.ts";
import { createdTasks } from "./massMessageReminder.ts";
import { cancelMassDispatch } from "./massMessageTimer.ts";

/**
 * Cancel a campaign: no task is created after this (the dispatcher checks the status between
 * guides), planned tasks are dropped, created ones are stopped in WeCom (cancel_groupmsg_send:
 * guides who already sent have sent), and unfinished guides leave the completion count. Safe to
 * run again.
 *
 * @param props client, campaign and clock.
 * @returns how many WeCom tasks were stopped.
 */
export default async function massMessageCanceller({ wecom, massMessageId, now }: { wecom: WeComClient; massMessageId: string; now: Date }): Promise<{ stopped: number }> {
  const before = await MassMessage.findOneAndUpdate({ _id: massMessageId, status: { $in: ["scheduled", "planning", "dispatching", "sent", "cancelled"] } }, { $set: { status: "cancelled" } }, { returnDocument: "after", lean: true }) as (MassMessageAttrs & { _id: unknown }) | null;
  if (!before) {
    throw UnprocessableError("not_cancellable", "status: 草稿可直接删除，已失败的群发无需取消");
  }
  await cancelMassDispatch(massMessageId);
  for (const guide of before.plan) {
    for (let chunk = 0; chunk < (guide.chunks ?? 0); chunk++) {
      await MassMessageTask.updateOne({ _id: massTaskId(massMessageId, guide.userId ?? "", chunk), state: "planned" }, { $set: { state: "cancelled" } });
    }
  }
  const open = (await createdTasks(before)).filter((task) => task.sendStatus !== 2);
  const stopped = await mapLimit(open, 4, async (task) => {
    try {
      await wecom.post("/cgi-bin/externalcontact/cancel_groupmsg_send", { msgid: task.msgid }, { priority: "bulk" });
      return 1;
    } catch {
      return 0;
    }
  });
  await cancelCampaignGuides("mass", massMessageId, now);
  return { stopped: stopped.reduce<number>((sum, one) => sum + one, 0) };
}
