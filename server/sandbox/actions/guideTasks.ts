// The guide's side of campaigns on the sandbox page: the moments to publish and mass messages to
// send that WeCom's client would list for them, the buttons that do it (代发表 / 代发送), and the
// app messages (催办) they received. Publishing sets the time WeCom's own APIs then report
// (get_moment_task, get_groupmsg_task), so the product learns it by its usual sync.
import type Router from "@koa/router";
import { z } from "zod";
import { AppError, ConflictError } from "../../errors.ts";
import { inputOf, validate } from "../../middlewares/validate.ts";
import { SandboxAppMessage, SandboxMassMessage, SandboxMoment } from "../models/index.ts";
import { guideDiligence } from "./guideTaskWork.ts";

const unix = (at: Date) => Math.floor(at.getTime() / 1000);
const userid = z.string().trim().min(1, "请选择导购").max(64, "导购 ID 过长");
const TasksSchema = z.object({ query: z.object({ userid }) });
const PublishSchema = z.object({ params: z.object({ jobid: z.string().min(1).max(128, "任务 ID 过长") }), body: z.object({ userid }) });
const SendSchema = z.object({ params: z.object({ msgid: z.string().min(1).max(128, "群发 ID 过长") }), body: z.object({ userid }) });

/** What the page lists for a guide. */
export interface SandboxGuideTasks {
  moments: { jobid: string; text: string; attachments: number; createdAt: string; publishAt: string | null }[];
  massMessages: { msgid: string; text: string; chatType: string; recipients: number; attachments: number; createdAt: string; sendAt: string | null }[];
  appMessages: { msgid: string; msgtype: string; title: string; description: string; url: string; at: string }[];
  /** The share of their sidebar tasks the guide's habit does (guideTaskWork.ts); null for no such member. */
  taskHabit: number | null;
}

const iso = (seconds: number) => new Date(seconds * 1000).toISOString();
/** A time the guide's habit planned (still in the future), or null when they never would. */
const planned = (seconds: number, now: number) => (seconds > now ? iso(seconds) : null);

/**
 * @param guide the sandbox guide.
 * @param now the sandbox clock.
 * @returns their pending moments (not published yet, not cancelled), pending mass messages and the last 20 app messages.
 */
export async function guideTasks(guide: string, now: Date): Promise<SandboxGuideTasks> {
  const at = unix(now);
  const [moments, massMessages, appMessages, taskHabit] = await Promise.all([
    SandboxMoment.find({ cancel_time: 0, publish_list: { $elemMatch: { userid: guide, $or: [{ publish_time: 0 }, { publish_time: { $gt: at } }] } } }).sort({ create_time: -1 }).limit(50).lean(),
    SandboxMassMessage.find({ sender: guide, cancelled: { $ne: true }, $or: [{ send_time: 0 }, { send_time: { $gt: at } }, { send_time: null }] }).sort({ create_time: -1 }).limit(50).lean(),
    SandboxAppMessage.find({ touser: guide }).sort({ at: -1 }).limit(20).lean(),
    guideDiligence(guide),
  ]);
  return {
    moments: moments.map((moment) => ({
      jobid: moment.jobid,
      text: moment.text,
      attachments: moment.attachments.length,
      createdAt: iso(moment.create_time),
      publishAt: planned(moment.publish_list.find((entry) => entry.userid === guide)?.publish_time ?? 0, at),
    })),
    massMessages: massMessages.map((message) => ({
      msgid: message.msgid,
      text: message.text,
      chatType: message.chat_type,
      recipients: message.chat_type === "group" ? message.chat_id_list.length : message.external_userid.length - message.fail_list.length,
      attachments: message.attachments.length,
      createdAt: iso(message.create_time),
      sendAt: planned((message as { send_time?: number | null }).send_time ?? 0, at),
    })),
    appMessages: appMessages.map((message) => ({ msgid: message.msgid, msgtype: message.msgtype, title: message.title, description: message.description, url: message.url, at: message.at.toISOString() })),
    taskHabit,
  };
}

/**
 * 代发表: the guide publishes the moment now. Again after it is published changes nothing.
 *
 * @throws 404 when the guide has no such task; 409 when the task was cancelled.
 */
export async function publishMoment(jobid: string, guide: string, now: Date): Promise<{ published: boolean }> {
  const at = unix(now);
  const moment = await SandboxMoment.findOne({ jobid, "publish_list.userid": guide }, { cancel_time: 1 }).lean();
  if (!moment) {
    throw new AppError(404, "not_found", "jobid: 该导购没有这条朋友圈任务");
  }
  if (moment.cancel_time > 0) {
    throw ConflictError("该朋友圈任务已被企业取消，不能发表");
  }
  const result = await SandboxMoment.updateOne(
    { jobid, publish_list: { $elemMatch: { userid: guide, $or: [{ publish_time: 0 }, { publish_time: { $gt: at } }] } } },
    { $set: { "publish_list.$[mine].publish_time": at } },
    { arrayFilters: [{ "mine.userid": guide }] },
  );
  return { published: result.modifiedCount > 0 };
}

/**
 * 代发送: the guide confirms the mass message now. Again after it is sent changes nothing.
 *
 * @throws 404 when the guide has no such task; 409 when it was cancelled.
 */
export async function sendMassMessage(msgid: string, guide: string, now: Date): Promise<{ sent: boolean }> {
  const at = unix(now);
  const message = await SandboxMassMessage.findOne({ msgid, sender: guide }, { cancelled: 1 }).lean();
  if (!message) {
    throw new AppError(404, "not_found", "msgid: 该导购没有这条群发任务");
  }
  if ((message as { cancelled?: boolean | null }).cancelled) {
    throw ConflictError("该群发已被企业取消，不能发送");
  }
  const result = await SandboxMassMessage.updateOne({ msgid, sender: guide, $or: [{ send_time: 0 }, { send_time: { $gt: at } }, { send_time: null }] }, { $set: { send_time: at } });
  return { sent: result.modifiedCount > 0 };
}

/**
 * The sandbox page's guide-task routes under /sandbox/api.
 *
 * @param api the sandbox's /sandbox/api router.
 * @param now the sandbox clock.
 */
export function sandboxGuideTaskRoutes(api: Router, now: () => Date): void {
  api.get("/guide-tasks", validate(TasksSchema), async (ctx) => {
    ctx.body = { data: await guideTasks(inputOf(ctx, TasksSchema).query.userid, now()) };
  });
  api.post("/guide-tasks/moments/:jobid/publish", validate(PublishSchema), async (ctx) => {
    const { params, body } = inputOf(ctx, PublishSchema);
    ctx.body = { data: await publishMoment(params.jobid, body.userid, now()) };
  });
  api.post("/guide-tasks/mass/:msgid/send", validate(SendSchema), async (ctx) => {
    const { params, body } = inputOf(ctx, SendSchema);
    ctx.body = { data: await sendMassMessage(params.msgid, body.userid, now()) };
  });
}
