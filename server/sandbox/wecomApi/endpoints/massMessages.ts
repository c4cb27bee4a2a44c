import { createHash } from "node:crypto";
import { z } from "zod";
import { sandboxGuideDelay } from "../../guideBehaviour.ts";
import { SandboxFollow, SandboxGroup, sandboxId, SandboxMassMessage, SandboxUser, unix } from "../../models/index.ts";
import { endpoint, ERR, wecomError, type Endpoint } from "../endpoint.ts";
import { AttachmentSchema, checkMedia, textSchema } from "./attachments.ts";
import { requireUser, USER_LEFT } from "./shared.ts";

/** Mass messages (wecom-reference §4.9; moments are in moments.ts). Nothing reaches a chat: members confirm in the client. */
export const massMessageEndpoints: Endpoint[] = [
  endpoint({
    method: "POST",
    path: "/cgi-bin/externalcontact/add_msg_template",
    token: "any",
    input: z.object({
      chat_type: z.enum(["single", "group"]).optional(),
      external_userid: z.array(z.string()).max(10_000).optional(),
      chat_id_list: z.array(z.string()).max(2000).optional(),
      tag_filter: z.object({ group_list: z.array(z.object({ tag_list: z.array(z.string()) })) }).optional(),
      sender: z.string().optional(),
      allow_select: z.boolean().optional(),
      text: textSchema(4000).optional(),
      attachments: z.array(AttachmentSchema).max(9).optional(),
    }),
    async handle(input, { now }) {
      const attachments = input.attachments ?? [];
      if (!input.text?.content && attachments.length === 0) {
        throw wecomError(ERR.INVALID_PARAMETER, "invalid parameter: text and attachments are both empty");
      }
      await checkMedia(attachments, now);
      const chatType = input.chat_type ?? "single";
      if (input.sender) {
        await requireUser(input.sender);
      }
      const recipients = chatType === "group" ? await groupRecipients(input.sender, input.chat_id_list ?? []) : await customerRecipients(input);
      if (recipients.to.length === 0) {
        throw wecomError(ERR.NO_MASS_RECIPIENT, "no customer can receive the mass message");
      }
      const msgid = sandboxId("msg", 24);
      await SandboxMassMessage.create({
        msgid,
        chat_type: chatType,
        external_userid: chatType === "single" ? recipients.to : [],
        chat_id_list: chatType === "group" ? recipients.to : [],
        sender: input.sender ?? "",
        text: input.text?.content ?? "",
        attachments,
        fail_list: recipients.failed,
        create_time: unix(now),
        send_time: sendTimeOf(input.sender ?? "", msgid, now),
      });
      return { fail_list: recipients.failed, msgid };
    },
  }),
];

async function groupRecipients(sender: string | undefined, chatIds: string[]): Promise<{ to: string[]; failed: string[] }> {
  // §4.9: group mass messages need a sender; they go to the sender's groups.
  if (!sender) {
    throw wecomError(ERR.INVALID_PARAMETER, "invalid parameter sender: required for chat_type group");
  }
  const owned = await SandboxGroup.find({ owner: sender, dismissed: { $ne: true } }).lean();
  const ownedIds = owned.map((group) => group.chat_id);
  if (chatIds.length === 0) {
    return { to: ownedIds, failed: [] };
  }
  return { to: chatIds.filter((id) => ownedIds.includes(id)), failed: chatIds.filter((id) => !ownedIds.includes(id)) };
}

async function customerRecipients(input: {
  external_userid?: string[] | undefined;
  sender?: string | undefined;
  tag_filter?: { group_list: { tag_list: string[] }[] } | undefined;
}): Promise<{ to: string[]; failed: string[] }> {
  const follows = await SandboxFollow.find(input.sender ? { userid: input.sender } : {}).lean();
  const users = await SandboxUser.find({}, { userid: 1, status: 1 }).lean();
  const gone = new Set(users.filter((user) => user.status === USER_LEFT).map((user) => user.userid));
  // Tags: any tag within a group of the filter, every group of the filter.
  const groups = input.tag_filter?.group_list ?? [];
  const matches = (tags: string[]) => groups.every((group) => group.tag_list.length === 0 || group.tag_list.some((id) => tags.includes(id)));
  const reachable = new Set(follows.filter((follow) => !gone.has(follow.userid) && matches(follow.tags)).map((follow) => follow.external_userid));
  const asked = input.external_userid ?? [];
  if (asked.length === 0) {
    return { to: [...reachable], failed: [] };
  }
  return { to: asked.filter((id) => reachable.has(id)), failed: asked.filter((id) => !reachable.has(id)) };
}

/** When the sandbox guide sends a new task: their habit's delay after creation, 0 when they never will. */
function sendTimeOf(sender: string, msgid: string, now: Date): number {
  const delay = sender ? sandboxGuideDelay(sender, msgid) : 0;
  return delay === null ? 0 : unix(now) + delay;
}

// A few customers are over their monthly receive cap (§13): deterministic, a few percent.
const CAPPED_SHARE = 0.03;
const isCapped = (msgid: string, recipient: string) => createHash("sha256").update(`cap:${msgid}:${recipient}`).digest().readUInt32BE(0) / 0x1_0000_0000 < CAPPED_SHARE;
const REMIND_LIMIT = 3;
const DAY_SECONDS = 24 * 3600;

async function massMessage(msgid: string | undefined) {
  const message = msgid ? await SandboxMassMessage.findById(msgid).lean() : null;
  if (!message) {
    throw wecomError(ERR.INVALID_MSGID, `invalid msgid: ${msgid ?? ""}`);
  }
  return message;
}

const sent = (message: { send_time?: number | null; cancelled?: boolean | null }, now: Date) => !message.cancelled && (message.send_time ?? 0) > 0 && (message.send_time ?? 0) <= unix(now);

/** Offset cursors: the stand-in's lists are small and stable. */
function page<T>(items: T[], cursor: string | undefined, limit: number | undefined, max: number): { items: T[]; next_cursor: string } {
  const start = Number(cursor || 0) || 0;
  const size = Math.min(limit || max, max);
  const end = start + size;
  return { items: items.slice(start, end), next_cursor: end < items.length ? String(end) : "" };
}

/** The reads, reminders and cancellation of §4.9. */
export const massMessageFollowUpEndpoints: Endpoint[] = [
  endpoint({
    method: "POST",
    path: "/cgi-bin/externalcontact/get_groupmsg_list_v2",
    token: "any",
    input: z.object({ chat_type: z.enum(["single", "group"]).optional(), start_time: z.number().int(), end_time: z.number().int(), creator: z.string().optional(), filter_type: z.number().int().optional(), limit: z.number().int().optional(), cursor: z.string().optional() }),
    async handle(input) {
      if (input.end_time - input.start_time > 31 * DAY_SECONDS || input.end_time < input.start_time) {
        throw wecomError(ERR.INVALID_PARAMETER, "invalid parameter: start_time and end_time at most one month apart");
      }
      const all = await SandboxMassMessage.find({ create_time: { $gte: input.start_time, $lte: input.end_time }, ...(input.creator ? { sender: input.creator } : {}), chat_type: input.chat_type ?? "single" }).sort({ create_time: 1, _id: 1 }).lean();
      const { items, next_cursor } = page(all, input.cursor, input.limit, 100);
      return {
        next_cursor,
        group_msg_list: items.map((message) => ({ msgid: message.msgid, creator: message.sender, create_type: 0, create_time: String(message.create_time), text: { content: message.text }, attachments: message.attachments })),
      };
    },
  }),

  endpoint({
    method: "POST",
    path: "/cgi-bin/externalcontact/get_groupmsg_task",
    token: "any",
    input: z.object({ msgid: z.string().optional(), limit: z.number().int().max(1000).optional(), cursor: z.string().optional() }),
    async handle({ msgid, limit, cursor }, { now }) {
      const message = await massMessage(msgid);
      const done = sent(message, now);
      const { items, next_cursor } = page([message.sender], cursor, limit, 1000);
      return { next_cursor, task_list: items.map((userid) => ({ userid, status: done ? 2 : 0, ...(done ? { send_time: message.send_time } : {}) })) };
    },
  }),

  endpoint({
    method: "POST",
    path: "/cgi-bin/externalcontact/get_groupmsg_send_result",
    token: "any",
    input: z.object({ msgid: z.string().optional(), userid: z.string().optional(), limit: z.number().int().max(1000).optional(), cursor: z.string().optional() }),
    async handle({ msgid, userid, limit, cursor }, { now }) {
      const message = await massMessage(msgid);
      if (userid !== message.sender) {
        return { next_cursor: "", send_list: [] };
      }
      const group = message.chat_type === "group";
      const done = sent(message, now);
      const rows = [...(group ? message.chat_id_list : message.external_userid).map((id) => ({ id, failed: false })), ...message.fail_list.map((id) => ({ id, failed: true }))];
      const { items, next_cursor } = page(rows, cursor, limit, 1000);
      return {
        next_cursor,
        send_list: items.map(({ id, failed }) => {
          const status = failed ? 2 : !done ? 0 : isCapped(message.msgid, id) ? 3 : 1;
          return { ...(group ? { chat_id: id } : { external_userid: id }), userid: message.sender, status, ...(status === 1 ? { send_time: message.send_time } : {}) };
        }),
      };
    },
  }),

  endpoint({
    method: "POST",
    path: "/cgi-bin/externalcontact/remind_groupmsg_send",
    token: "any",
    input: z.object({ msgid: z.string().optional() }),
    async handle({ msgid }, { now }) {
      const message = await massMessage(msgid);
      const recent = (message.remind_times ?? []).filter((time) => time > unix(now) - DAY_SECONDS);
      if (recent.length >= REMIND_LIMIT) {
        throw wecomError(ERR.REMIND_LIMIT, "remind at most 3 times per msgid in 24 hours");
      }
      await SandboxMassMessage.updateOne({ _id: message._id }, { $set: { remind_times: [...recent, unix(now)] } });
      return {};
    },
  }),

  endpoint({
    method: "POST",
    path: "/cgi-bin/externalcontact/cancel_groupmsg_send",
    token: "any",
    input: z.object({ msgid: z.string().optional() }),
    async handle({ msgid }, { now }) {
      const message = await massMessage(msgid);
      // Whoever already sent has sent; the rest are stopped.
      if (!sent(message, now)) {
        await SandboxMassMessage.updateOne({ _id: message._id }, { $set: { cancelled: true } });
      }
      return {};
    },
  }),
];
