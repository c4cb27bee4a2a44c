import { ConflictError, UnprocessableError } from "../errors.ts";
import { MASS_LIMITS, MassMessage, type MassMessageAttrs } from "../models/MassMessage.ts";
import { MassMessageTask, massTaskId, type MassMessageTaskAttrs } from "../models/MassMessageTask.ts";
import { mapLimit } from "../utils/async.ts";
import type { WeComClient } from "../wecom/client.ts";
import { recordCampaignReminders } from "./campaignCompletion.ts";

const DAY_MS = 24 * 3600 * 1000;

/**
 * @param remindedAt the campaign's earlier WeCom reminders.
 * @param now the clock.
 * @returns how many more WeCom allows in the next 24 hours (remind_groupmsg_send: 3 per msgid per 24 h).
 */
export function remindsLeft(remindedAt: Date[] | null | undefined, now: Date): number {
  const recent = (remindedAt ?? []).filter((at) => at.getTime() > now.getTime() - DAY_MS);
  return Math.max(0, MASS_LIMITS.remindsPer24h - recent.length);
}

/** Every created task of the campaign, read by key from the plan. */
export async function createdTasks(campaign: Pick<MassMessageAttrs, "plan"> & { _id: unknown }): Promise<MassMessageTaskAttrs[]> {
  const tasks: MassMessageTaskAttrs[] = [];
  for (const guide of campaign.plan) {
    for (let chunk = 0; chunk < (guide.chunks ?? 0); chunk++) {
      const task = await MassMessageTask.findById(massTaskId(String(campaign._id), guide.userId ?? "", chunk)).lean<MassMessageTaskAttrs>();
      if (task?.state === "created" && task.msgid) {
        tasks.push(task);
      }
    }
  }
  return tasks;
}

/**
 * WeCom's reminder (remind_groupmsg_send) to every guide who has not sent yet. The reminder is
 * counted before the calls, on the condition that nobody else counted one meanwhile, so two
 * clicks cannot pass the limit.
 *
 * @param props client, campaign and clock.
 * @returns the guides reminded and the reminders left in 24 hours.
 * @throws UnprocessableError when the limit is reached or nothing was handed to WeCom yet.
 */
export default async function massMessageReminder({ wecom, massMessageId, now }: { wecom: WeComClient; massMessageId: string; now: Date }): Promise<{ reminded: number; left: number }> {
  const campaign = await MassMessage.findById(massMessageId).lean<MassMessageAttrs & { _id: unknown }>();
  if (!campaign || !["sent", "dispatching"].includes(campaign.status ?? "")) {
    throw UnprocessableError("not_sent", "remind: 群发尚未交给企业微信，不能提醒");
  }
  const left = remindsLeft(campaign.remindedAt, now);
  if (left === 0) {
    throw UnprocessableError("remind_limit", "remind: 24 小时内最多提醒 3 次，请稍后再试");
  }
  const recent = (campaign.remindedAt ?? []).filter((at) => at.getTime() > now.getTime() - DAY_MS);
  const counted = await MassMessage.updateOne({ _id: massMessageId, remindedAt: campaign.remindedAt ?? [] }, { $set: { remindedAt: [...recent, now] } });
  if (counted.modifiedCount === 0) {
    throw ConflictError("remind: 刚有人提醒过，请刷新后再试");
  }
  const laggards = (await createdTasks(campaign)).filter((task) => task.sendStatus !== 2);
  const reminded = await mapLimit(laggards, 4, async (task) => {
    try {
      await wecom.post("/cgi-bin/externalcontact/remind_groupmsg_send", { msgid: task.msgid }, { priority: "bulk" });
      return task.userId;
    } catch {
      // One guide's refusal (already sent, left the corp) does not stop the others' reminders.
      return null;
    }
  });
  const userIds = [...new Set(reminded.filter((userId): userId is string => userId !== null))];
  await recordCampaignReminders("mass", massMessageId, userIds, now);
  return { reminded: userIds.length, left: left - 1 };
}
