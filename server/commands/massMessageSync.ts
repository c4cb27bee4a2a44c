// Who sent a mass message and what happened to each customer, read back from WeCom and stored as
// absolute figures, so a repeated sync converges instead of adding up.
import { nextMomentSync } from "../domain/momentRules.ts";
import { MassMessage, type MassMessageAttrs } from "../models/MassMessage.ts";
import { MassMessageOutcome, type MassOutcome } from "../models/MassMessageOutcome.ts";
import { MassMessageTask, massTaskId, type MassMessageTaskAttrs } from "../models/MassMessageTask.ts";
import { mapLimit } from "../utils/async.ts";
import { paginate, type WeComClient } from "../wecom/client.ts";
import { markCampaignGuideDone, setCampaignGuideFigures } from "./campaignCompletion.ts";
import { scheduleMassSync } from "./massMessageTimer.ts";

// get_groupmsg_send_result status → outcome (wecom-reference §4.9).
const OUTCOMES: Record<number, MassOutcome> = { 0: "unsent", 1: "sent", 2: "not_friend", 3: "capped" };
const FIGURE_OF: Record<MassOutcome, "unsent" | "delivered" | "notFriend" | "capped"> = { unsent: "unsent", sent: "delivered", not_friend: "notFriend", capped: "capped" };

type Figures = { delivered: number; notFriend: number; capped: number; unsent: number };
const zero = (): Figures => ({ delivered: 0, notFriend: 0, capped: 0, unsent: 0 });

/** One created task: the guide's status, then every recipient's outcome, page by page. */
async function syncTask(wecom: WeComClient, task: MassMessageTaskAttrs, now: Date): Promise<{ figures: Figures; sent: boolean }> {
  const msgid = task.msgid ?? "";
  let sent = task.sendStatus === 2;
  const guides = paginate(async (cursor) => {
    const page = await wecom.post<{ task_list?: { userid: string; status: number }[]; next_cursor?: string }>("/cgi-bin/externalcontact/get_groupmsg_task", { msgid, limit: 1000, cursor }, { priority: "bulk" });
    return { items: page.task_list ?? [], ...(page.next_cursor ? { nextCursor: page.next_cursor } : {}) };
  });
  for await (const entry of guides) {
    sent = sent || (entry.userid === task.userId && entry.status === 2);
  }
  const figures = zero();
  let cursor = "";
  do {
    const page = await wecom.post<{ send_list?: { external_userid?: string; chat_id?: string; status: number; send_time?: number }[]; next_cursor?: string }>("/cgi-bin/externalcontact/get_groupmsg_send_result", { msgid, userid: task.userId, limit: 1000, cursor }, { priority: "bulk" });
    const rows = (page.send_list ?? []).map((row) => ({ recipient: row.chat_id || row.external_userid || "", status: OUTCOMES[row.status] ?? "unsent", sentAt: row.send_time ? new Date(row.send_time * 1000) : null })).filter((row) => row.recipient);
    for (const row of rows) {
      figures[FIGURE_OF[row.status]] += 1;
    }
    if (rows.length > 0) {
      await MassMessageOutcome.bulkWrite(
        rows.map((row) => ({
          updateOne: { filter: { _id: `${task._id}:${row.recipient}` }, update: { $set: { massMessageId: task.massMessageId, userId: task.userId, recipient: row.recipient, status: row.status, sentAt: row.sentAt } }, upsert: true },
        })),
        { ordered: false },
      );
    }
    cursor = page.next_cursor && page.next_cursor !== cursor ? page.next_cursor : "";
  } while (cursor);
  await MassMessageTask.updateOne({ _id: task._id }, { $set: { figures, sendStatus: sent ? 2 : 0, syncedAt: now } });
  return { figures, sent };
}

/**
 * Sync every created task of a campaign (tasks read by key from the plan), mark guides who sent as
 * done, set each guide's figures and the campaign's totals, then set the next look on the
 * tapering schedule (every 10 minutes for 2 hours, hourly to a day, daily to `syncDays`).
 *
 * @param props client, campaign and clock.
 * @returns the campaign's totals and the next sync, for the log.
 */
export default async function massMessageSync({ wecom, massMessageId, now }: { wecom: WeComClient; massMessageId: string; now: Date }): Promise<Record<string, unknown>> {
  const campaign = await MassMessage.findById(massMessageId).lean<MassMessageAttrs & { _id: unknown }>();
  if (!campaign || !["sent", "dispatching", "cancelled"].includes(campaign.status ?? "") || campaign.plan.length === 0) {
    return { massMessageId, skipped: campaign?.status ?? "missing" };
  }
  const totals = { ...zero(), guidesSent: 0 };
  await mapLimit(campaign.plan, 4, async (guide) => {
    const userId = guide.userId ?? "";
    const figures = zero();
    let created = 0;
    let sent = 0;
    for (let chunk = 0; chunk < (guide.chunks ?? 0); chunk++) {
      const task = await MassMessageTask.findById(massTaskId(massMessageId, userId, chunk)).lean<MassMessageTaskAttrs>();
      if (task?.state !== "created" || !task.msgid) {
        continue;
      }
      created += 1;
      const result = await syncTask(wecom, task, now);
      sent += result.sent ? 1 : 0;
      for (const key of Object.keys(figures) as (keyof Figures)[]) {
        figures[key] += result.figures[key];
      }
    }
    if (created === 0) {
      return;
    }
    if (sent > 0) {
      await markCampaignGuideDone("mass", massMessageId, userId, now);
      totals.guidesSent += 1;
    }
    await setCampaignGuideFigures("mass", massMessageId, userId, { delivered: figures.delivered, notFriend: figures.notFriend, capped: figures.capped });
    for (const key of Object.keys(figures) as (keyof Figures)[]) {
      totals[key] += figures[key];
    }
  });
  const from = campaign.dispatchedAt ?? campaign.plannedAt ?? now;
  const next = campaign.status === "dispatching" ? null : nextMomentSync(from, campaign.syncDays ?? 7, now);
  await MassMessage.updateOne({ _id: massMessageId }, { $set: { totals, syncedAt: now } });
  if (next) {
    await scheduleMassSync(massMessageId, next);
  }
  return { massMessageId, ...totals, next: next?.toISOString() ?? null };
}
