// 催办 from the completion dashboard: guides with open tasks get an app message linking to their
// task list, at most REMINDERS_PER_DAY times a China day each, however many managers click.
import { chinaDate } from "../domain/chinaTime.ts";
import { isDuplicateKeyError } from "../db/duplicates.ts";
import { CompletionReminder, completionReminderId } from "../models/CompletionReminder.ts";
import type { WeComClient } from "../wecom/client.ts";
import { assertAgentConfigured, sendGuideCard } from "./guideAppMessages.ts";
import { openTaskSummaries } from "./guideTaskSummary.ts";

/** A guide is reminded of their tasks at most this often a day. */
export const REMINDERS_PER_DAY = 2;

/** Why a guide was not reminded: the route sums these into one line for a region's hundreds. */
export type ReminderSkipCode = "no_open_tasks" | "daily_limit" | "unknown_to_wecom";

/** What a 催办 did: who got the message, who did not and why (Chinese). */
export interface TaskReminderOutcome {
  reminded: string[];
  skipped: { userId: string; code: ReminderSkipCode; reason: string }[];
}

/** Claims in flight at once: a region's hundreds of guides in a few round trips, not hundreds. */
const CLAIMS_AT_ONCE = 50;

/** Take one of the guide's reminders of the day; false when the day's are used up. */
async function claim(userId: string, day: string, now: Date): Promise<boolean> {
  const _id = completionReminderId(userId, day);
  try {
    await CompletionReminder.create({ _id, userId, day, count: 1, lastAt: now });
    return true;
  } catch (error) {
    if (!isDuplicateKeyError(error)) {
      throw error;
    }
  }
  const taken = await CompletionReminder.updateOne({ _id, count: { $lt: REMINDERS_PER_DAY } }, { $inc: { count: 1 }, $set: { lastAt: now } });
  return taken.modifiedCount === 1;
}

/**
 * What a 催办 would do now, without claiming anything: the confirm dialog's numbers.
 *
 * @param now the clock (the China day and what is open).
 * @param userIds the guides in scope.
 * @returns those with open tasks and, of them, those whose reminders of the day are used up.
 */
export async function reminderPreview(now: Date, userIds: string[]): Promise<{ open: string[]; limitReached: string[] }> {
  const open = (await openTaskSummaries(now, [...new Set(userIds)])).map((summary) => summary.userId);
  const day = chinaDate(now);
  const used = await CompletionReminder.find({ _id: { $in: open.map((userId) => completionReminderId(userId, day)) }, count: { $gte: REMINDERS_PER_DAY } }, { userId: 1 }).lean();
  return { open, limitReached: used.map((reminder) => reminder.userId) };
}

async function release(userIds: string[], day: string): Promise<void> {
  await Promise.all(userIds.map((userId) => CompletionReminder.updateOne({ _id: completionReminderId(userId, day), count: { $gt: 0 } }, { $inc: { count: -1 } })));
}

/**
 * Remind guides of their open tasks (today's and overdue). Each reminder is claimed before the
 * message is sent, so two clicks at once remind a guide once; a guide WeCom did not take, or a
 * send that failed, gets the claim back.
 *
 * @param props the client, the app's agentid, the guides (already cut to the manager's stores), the task list's URL and the clock.
 * @returns who was reminded and who was skipped.
 */
export default async function remindTaskGuides(props: { wecom: WeComClient; agentId: string | undefined; userIds: string[]; url: string; now: Date }): Promise<TaskReminderOutcome> {
  assertAgentConfigured(props.agentId);
  const day = chinaDate(props.now);
  const summaries = new Map((await openTaskSummaries(props.now, [...new Set(props.userIds)])).map((summary) => [summary.userId, summary]));
  const outcome: TaskReminderOutcome = { reminded: [], skipped: [] };
  const claimed: string[] = [];
  const open: string[] = [];
  for (const userId of new Set(props.userIds)) {
    if (summaries.has(userId)) {
      open.push(userId);
    } else {
      outcome.skipped.push({ userId, code: "no_open_tasks", reason: "没有未完成的任务" });
    }
  }
  // Each claim is atomic on the guide's own day document, so claiming many guides at once
  // cannot let any one of them past the daily limit.
  for (let start = 0; start < open.length; start += CLAIMS_AT_ONCE) {
    const chunk = open.slice(start, start + CLAIMS_AT_ONCE);
    const taken = await Promise.all(chunk.map((userId) => claim(userId, day, props.now)));
    for (const [index, userId] of chunk.entries()) {
      if (taken[index]) {
        claimed.push(userId);
      } else {
        outcome.skipped.push({ userId, code: "daily_limit", reason: `今天已催办 ${REMINDERS_PER_DAY} 次，明天再试` });
      }
    }
  }
  if (claimed.length === 0) {
    return outcome;
  }
  let sent;
  try {
    // One card for all (1000 a call): the task list shows each guide their own tasks.
    sent = await sendGuideCard({
      wecom: props.wecom,
      agentId: props.agentId,
      userIds: claimed,
      card: { title: "店长催办：您有未完成的客户任务", description: "请尽快联系任务里的客户，逾期任务会计入当天的完成率。\n打开任务列表，逐个处理。", url: props.url, btntxt: "去处理" },
    });
  } catch (error) {
    await release(claimed, day);
    throw error;
  }
  await release(sent.invalid, day);
  outcome.reminded.push(...sent.sent);
  outcome.skipped.push(...sent.invalid.map((userId) => ({ userId, code: "unknown_to_wecom" as const, reason: "企业微信找不到该导购（可能已离职或不在应用可见范围）" })));
  return outcome;
}
