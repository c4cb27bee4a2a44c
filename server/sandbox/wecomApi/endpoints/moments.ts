import { createHash } from "node:crypto";
import { z } from "zod";
import { sandboxGuideDelay } from "../../guideBehaviour.ts";
import { SandboxFollow, sandboxId, SandboxMoment, SandboxUser, unix } from "../../models/index.ts";
import { endpoint, ERR, page, wecomError, type Endpoint } from "../endpoint.ts";
import { AttachmentSchema, checkMedia } from "./attachments.ts";
import { tagIndex } from "./shared.ts";

// A moment job id lives 24 hours (§4.8).
const JOB_TTL_SECONDS = 24 * 3600;

type StoredMoment = { moment_id: string; publish_list: { userid: string; publish_time: number }[]; cancel_time: number };

/** The member published: a time was decided, it has come, and it came before any cancel. */
const published = (moment: StoredMoment, entry: { publish_time: number }, at: number): boolean =>
  entry.publish_time > 0 && entry.publish_time <= at && (moment.cancel_time === 0 || entry.publish_time <= moment.cancel_time);

const unit = (text: string): number => createHash("sha256").update(text).digest().readUInt32BE(0) / 0x1_0000_0000;

async function momentById(momentId: string | undefined): Promise<StoredMoment> {
  const moment = momentId ? await SandboxMoment.findOne({ moment_id: momentId }).lean() : null;
  if (!moment) {
    throw wecomError(ERR.INVALID_PARAMETER, `invalid moment_id: ${momentId ?? ""}`);
  }
  return moment as StoredMoment;
}

/**
 * Likes and comments a published moment has gathered: believable (a few to a score, from the
 * member's own customers), the same on every call, and growing over the first day.
 */
async function reactions(moment: StoredMoment, userid: string, publishTime: number, at: number): Promise<{ comment_list: object[]; like_list: object[] }> {
  const seed = `${moment.moment_id}:${userid}`;
  const growth = 1 - Math.exp(-(at - publishTime) / (6 * 3600));
  const likes = Math.floor((2 + unit(`likes:${seed}`) * 18) * growth);
  const comments = Math.floor(unit(`comments:${seed}`) * 6 * growth);
  const follows = await SandboxFollow.find({ userid }, { external_userid: 1 }).sort({ _id: 1 }).limit(40).lean();
  const customer = (index: number) => follows[index % Math.max(follows.length, 1)]?.external_userid ?? `wm_sandbox_${index}`;
  // Reactions spread over the hours after publishing, earliest first.
  const when = (index: number, count: number) => publishTime + Math.round(((index + 1) / (count + 1)) * Math.max(at - publishTime, 60));
  return {
    like_list: Array.from({ length: likes }, (_, index) => ({ external_userid: customer(index), create_time: when(index, likes) })),
    comment_list: Array.from({ length: comments }, (_, index) => ({ external_userid: customer(index + 7), create_time: when(index, comments) })),
  };
}

/** Customer moments (wecom-reference §4.8). Nothing is posted: members publish in the client, here on the sandbox guides' habits. */
export const momentEndpoints: Endpoint[] = [
  endpoint({
    method: "POST",
    path: "/cgi-bin/externalcontact/add_moment_task",
    token: "any",
    input: z.object({
      text: z.object({ content: z.string().max(2000) }).optional(),
      attachments: z.array(AttachmentSchema).max(9).optional(),
      visible_range: z
        .object({
          sender_list: z.object({ user_list: z.array(z.string()).max(100_000).optional(), department_list: z.array(z.number().int()).optional() }).optional(),
          external_contact_list: z.object({ tag_list: z.array(z.string()).optional() }).optional(),
        })
        .optional(),
    }),
    async handle({ text, attachments = [], visible_range: range }, { now }) {
      if (!text?.content && attachments.length === 0) {
        throw wecomError(ERR.INVALID_PARAMETER, "invalid parameter: text and attachments are both empty");
      }
      // §4.8: 9 images, or one video, or one link.
      const kinds = new Set(attachments.map((attachment) => attachment.msgtype));
      const onlyImages = [...kinds].every((kind) => kind === "image");
      const oneVideoOrLink = attachments.length === 1 && (kinds.has("video") || kinds.has("link"));
      if (attachments.length > 0 && !onlyImages && !oneVideoOrLink) {
        throw wecomError(ERR.INVALID_PARAMETER, "invalid parameter attachments: 9 images, or 1 video, or 1 link");
      }
      await checkMedia(attachments, now);
      const users = await SandboxUser.find({}).lean();
      const active = new Set(users.filter((user) => user.status === 1).map((user) => user.userid));
      const asked = range?.sender_list?.user_list ?? [];
      const tags = await tagIndex();
      const askedTags = range?.external_contact_list?.tag_list ?? [];
      const jobid = sandboxId("job", 24);
      // No sender list = the whole visible range.
      const userList = asked.length > 0 ? asked.filter((userid) => active.has(userid)) : [...active];
      const created = unix(now);
      await SandboxMoment.create({
        jobid,
        moment_id: sandboxId("mom", 24),
        text: text?.content ?? "",
        attachments,
        visible_range: range ?? null,
        user_list: userList,
        publish_list: userList.map((userid) => {
          const delay = sandboxGuideDelay(userid, jobid);
          return { userid, publish_time: delay === null ? 0 : created + delay };
        }),
        invalid_user_list: asked.filter((userid) => !active.has(userid)),
        invalid_tag_list: askedTags.filter((id) => !tags.has(id)),
        create_time: created,
      });
      return { jobid };
    },
  }),

  endpoint({
    method: "GET",
    path: "/cgi-bin/externalcontact/get_moment_task_result",
    token: "any",
    input: z.object({ jobid: z.string().optional() }),
    async handle({ jobid }, { now }) {
      const moment = jobid ? await SandboxMoment.findById(jobid).lean() : null;
      if (!moment || moment.create_time + JOB_TTL_SECONDS <= unix(now)) {
        throw wecomError(ERR.INVALID_PARAMETER, `invalid jobid: ${jobid ?? ""}`);
      }
      // The stand-in finishes a task at once: status 3 (done).
      return {
        status: 3,
        type: "add_moment_task",
        result: {
          errcode: 0,
          errmsg: "ok",
          moment_id: moment.moment_id,
          invalid_sender_list: { user_list: moment.invalid_user_list, department_list: [] },
          invalid_external_contact_list: { tag_list: moment.invalid_tag_list },
        },
      };
    },
  }),

  endpoint({
    method: "POST",
    path: "/cgi-bin/externalcontact/get_moment_task",
    token: "any",
    input: z.object({ moment_id: z.string().optional(), cursor: z.string().optional(), limit: z.number().int().min(1).max(1000).optional() }),
    async handle({ moment_id: momentId, cursor, limit }, { now }) {
      const moment = await momentById(momentId);
      const at = unix(now);
      const { items, next_cursor } = page(moment.publish_list, cursor, limit ?? 500);
      return { next_cursor, task_list: items.map((entry) => ({ userid: entry.userid, publish_status: published(moment, entry, at) ? 1 : 0 })) };
    },
  }),

  endpoint({
    method: "POST",
    path: "/cgi-bin/externalcontact/get_moment_comments",
    token: "any",
    input: z.object({ moment_id: z.string().optional(), userid: z.string().optional() }),
    async handle({ moment_id: momentId, userid }, { now }) {
      const moment = await momentById(momentId);
      const entry = moment.publish_list.find((candidate) => candidate.userid === userid);
      if (!entry) {
        throw wecomError(ERR.INVALID_USERID, `invalid userid: ${userid ?? ""}`);
      }
      const at = unix(now);
      return published(moment, entry, at) ? reactions(moment, entry.userid, entry.publish_time, at) : { comment_list: [], like_list: [] };
    },
  }),

  endpoint({
    method: "POST",
    path: "/cgi-bin/externalcontact/cancel_moment_task",
    token: "any",
    input: z.object({ moment_id: z.string().optional() }),
    async handle({ moment_id: momentId }, { now }) {
      const moment = await momentById(momentId);
      // Those who published keep their post; nobody publishes after the cancel.
      await SandboxMoment.updateOne({ moment_id: moment.moment_id, cancel_time: 0 }, { $set: { cancel_time: unix(now) } });
      return {};
    },
  }),

];
