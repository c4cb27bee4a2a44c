import { z } from "zod";
import { SandboxFollow, SandboxGroup, sandboxId, SandboxMassMessage, SandboxUser, unix } from "../../models/index.ts";
import { endpoint, ERR, wecomError, type Endpoint } from "../endpoint.ts";
import { AttachmentSchema, checkMedia, textSchema } from "./attachments.ts";
import { requireUser, USER_LEFT } from "./shared.ts";

/** Mass messages (wecom-reference §4.9; moments are in moments.ts). Nothing reaches a chat: members confirm in the client. */
export const outreachEndpoints: Endpoint[] = [
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
