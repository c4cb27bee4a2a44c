import { WeComApiError } from "../errors.ts";
import { getLogger } from "../logging/logger.ts";
import { MassMessage, type MassMessageAttrs } from "../models/MassMessage.ts";
import { MassMessageTask, massTaskId, type MassMessageTaskAttrs } from "../models/MassMessageTask.ts";
import { mapLimit } from "../utils/async.ts";
import { paginate, type WeComClient } from "../wecom/client.ts";
import { markCampaignGuideFailed } from "./campaignCompletion.ts";
import { wecomMediaId } from "./mediaLibrary.ts";
import { massContent, massFailReason, type MassContent, type MediaIdOf } from "./massMessageContent.ts";

// WeCom answers these when it did nothing: the task goes back to planned for the next run.
const TRY_LATER = new Set([-1, 6000, 45009, 45033]);
// get_groupmsg_list_v2 window around the claim: WeCom's create_time is its own clock.
const RECONCILE_SKEW_SECONDS = 120;

type Campaign = MassMessageAttrs & { _id: { toString(): string } };

/** What one dispatch run did. */
export interface DispatchResult {
  created: number;
  failed: number;
  /** Tasks left for a later run (rate limited, or WeCom unreachable mid-call). */
  pending: number;
  /** Tasks found "sending" from a run that died, settled from WeCom's own list. */
  reconciled: number;
  status: string;
}

interface DispatchProps {
  wecom: WeComClient;
  massMessageId: string;
  now: () => Date;
  /** Turns a stored file into a WeCom media id; the media library's upload by default. */
  mediaIdOf?: MediaIdOf;
  /** Guides dispatched at once (each guide's chunks go one after another). */
  concurrency?: number;
  onProgress?: (progress: { done: number; total: number }) => void;
}


/** Was a task created just before a crash? WeCom's list of the guide's mass messages says. */
async function reconcile(wecom: WeComClient, campaign: Campaign, task: MassMessageTaskAttrs, now: Date): Promise<string | null> {
  const claimed = Math.floor((task.claimedAt?.getTime() ?? now.getTime()) / 1000);
  const entry = campaign.plan.find((guide) => guide.userId === task.userId);
  const known = new Set<string>();
  for (let chunk = 0; chunk < (entry?.chunks ?? 0); chunk++) {
    const other = chunk === task.chunk ? null : await MassMessageTask.findById(massTaskId(String(campaign._id), task.userId, chunk), { msgid: 1 }).lean();
    if (other?.msgid) {
      known.add(other.msgid);
    }
  }
  const list = paginate(async (cursor) => {
    const page = await wecom.post<{ group_msg_list?: { msgid: string; creator?: string; create_time?: number | string; text?: { content?: string } }[]; next_cursor?: string }>("/cgi-bin/externalcontact/get_groupmsg_list_v2", {
      chat_type: task.chatType,
      start_time: claimed - RECONCILE_SKEW_SECONDS,
      end_time: Math.floor(now.getTime() / 1000) + RECONCILE_SKEW_SECONDS,
      creator: task.userId,
      filter_type: 0,
      limit: 100,
      cursor,
    }, { priority: "bulk" });
    return { items: page.group_msg_list ?? [], ...(page.next_cursor ? { nextCursor: page.next_cursor } : {}) };
  });
  for await (const message of list) {
    const sameText = (message.text?.content ?? "") === (campaign.text ?? "");
    if (message.creator === task.userId && sameText && !known.has(message.msgid) && Number(message.create_time ?? 0) >= claimed - RECONCILE_SKEW_SECONDS) {
      return message.msgid;
    }
  }
  return null;
}

/** Claim, call, store: the msgid is written before anything else once WeCom has answered. */
async function sendTask(props: DispatchProps, campaign: Campaign, content: MassContent, taskId: string, result: DispatchResult): Promise<void> {
  const { wecom } = props;
  let task = await MassMessageTask.findById(taskId).lean<MassMessageTaskAttrs>();
  if (!task || ["created", "failed", "cancelled"].includes(task.state)) {
    return;
  }
  if (task.state === "sending") {
    const msgid = await reconcile(wecom, campaign, task, props.now());
    if (msgid) {
      await MassMessageTask.updateOne({ _id: taskId, state: "sending" }, { $set: { state: "created", msgid, createdAt: props.now() } });
      result.reconciled += 1;
      result.created += 1;
      return;
    }
    // WeCom has no such message: the call never arrived, so sending it now is the first time.
    await MassMessageTask.updateOne({ _id: taskId, state: "sending", claimedAt: task.claimedAt }, { $set: { state: "planned" } });
  }
  task = await MassMessageTask.findOneAndUpdate({ _id: taskId, state: "planned" }, { $set: { state: "sending", claimedAt: props.now() } }, { returnDocument: "after", lean: true }) as MassMessageTaskAttrs | null;
  if (!task) {
    return;
  }
  const body = { chat_type: task.chatType, sender: task.userId, ...(task.chatType === "group" ? { chat_id_list: task.recipients } : { external_userid: task.recipients }), ...content };
  try {
    const answer = await wecom.post<{ msgid: string; fail_list?: string[] }>("/cgi-bin/externalcontact/add_msg_template", body, { priority: "bulk" });
    await MassMessageTask.updateOne({ _id: taskId }, { $set: { state: "created", msgid: answer.msgid, createdAt: props.now(), failList: answer.fail_list ?? [] } });
    result.created += 1;
  } catch (error) {
    if (error instanceof WeComApiError && TRY_LATER.has(error.errcode)) {
      await MassMessageTask.updateOne({ _id: taskId, state: "sending" }, { $set: { state: "planned" } });
      result.pending += 1;
    } else if (error instanceof WeComApiError) {
      await MassMessageTask.updateOne({ _id: taskId, state: "sending" }, { $set: { state: "failed", failReason: massFailReason(error.errcode, error.errmsg) } });
      result.failed += 1;
    } else {
      // Unreachable or timed out: WeCom may have created it. Left "sending", the next run reconciles.
      result.pending += 1;
    }
  }
}

/** Count the tasks' states by key and settle guides whose every task failed. */
async function settle(campaign: Campaign, now: Date): Promise<{ created: number; failed: number; open: number }> {
  const id = String(campaign._id);
  const totals = { created: 0, failed: 0, open: 0 };
  await mapLimit(campaign.plan, 16, async (guide) => {
    const states: MassMessageTaskAttrs[] = [];
    for (let chunk = 0; chunk < (guide.chunks ?? 0); chunk++) {
      const task = await MassMessageTask.findById(massTaskId(id, guide.userId ?? "", chunk), { state: 1, failReason: 1 }).lean<MassMessageTaskAttrs>();
      if (task) {
        states.push(task);
      }
    }
    totals.created += states.filter((task) => task.state === "created").length;
    const failed = states.filter((task) => task.state === "failed");
    totals.failed += failed.length;
    totals.open += states.filter((task) => task.state === "planned" || task.state === "sending").length;
    if (failed.length > 0 && failed.length === states.length) {
      await markCampaignGuideFailed("mass", id, guide.userId ?? "", failed[0]?.failReason ?? "企业微信拒绝", now);
    }
  });
  return totals;
}

/**
 * Hand a planned campaign's tasks to WeCom: add_msg_template per guide chunk, `sender` = the guide,
 * guides in parallel up to `concurrency`. Each task is claimed ("sending") before its call, so a
 * run that dies mid-call leaves a mark; the next run asks get_groupmsg_list_v2 whether WeCom
 * created it (same guide, same text, after the claim, a msgid not already ours) and stores that
 * msgid instead of sending again. Safe to run again at any point; stops early when cancelled.
 *
 * @param props client, campaign, clock, media upload, concurrency and a progress callback.
 * @returns the run's figures; the campaign is sent (or failed) once no task is open.
 */
export default async function massMessageDispatcher(props: DispatchProps): Promise<DispatchResult> {
  const log = getLogger("job");
  const result: DispatchResult = { created: 0, failed: 0, pending: 0, reconciled: 0, status: "dispatching" };
  const campaign = await MassMessage.findById(props.massMessageId).lean<Campaign>();
  if (!campaign || campaign.status !== "dispatching") {
    return { ...result, status: campaign?.status ?? "missing" };
  }
  let content: MassContent;
  try {
    content = await massContent(campaign, props.mediaIdOf ?? ((fileId, at) => wecomMediaId(props.wecom, fileId, "message", at)), props.now());
  } catch (error) {
    await MassMessage.updateOne({ _id: campaign._id, status: "dispatching" }, { $set: { status: "failed", failReason: `附件上传失败：${(error as Error).message}` } });
    return { ...result, status: "failed" };
  }
  const total = campaign.progress?.tasks ?? 0;
  let done = 0;
  let cancelled = false;
  await mapLimit(campaign.plan, props.concurrency ?? 8, async (guide) => {
    for (let chunk = 0; chunk < (guide.chunks ?? 0) && !cancelled; chunk++) {
      await sendTask(props, campaign, content, massTaskId(String(campaign._id), guide.userId ?? "", chunk), result);
      done += 1;
      props.onProgress?.({ done, total });
    }
    // A cheap read by key between guides, so a cancel stops the run within one round of calls.
    cancelled = cancelled || (await MassMessage.findById(campaign._id, { status: 1 }).lean())?.status !== "dispatching";
  });
  const totals = await settle(campaign, props.now());
  const finished = totals.open === 0 && !cancelled;
  const status = finished ? (totals.created > 0 ? "sent" : "failed") : "dispatching";
  await MassMessage.updateOne(
    { _id: campaign._id, status: "dispatching" },
    { $set: { "progress.tasksCreated": totals.created, "progress.tasksFailed": totals.failed, status, ...(finished ? { dispatchedAt: props.now() } : {}), ...(status === "failed" ? { failReason: "所有导购的群发任务都被企业微信拒绝" } : {}) } },
  );
  log.info({ massMessageId: props.massMessageId, ...totals, reconciled: result.reconciled }, "mass message dispatch run");
  return { ...result, status: cancelled ? "cancelled" : status };
}
