import { Group, type GroupAttrs, type GroupMemberAttrs } from "../models/Group.ts";
import type { WeComClient } from "../wecom/client.ts";
import autoTagger from "./autoTagger.ts";
import { memberGroupLinker } from "./memberLinkRefresher.ts";

interface WeComMember {
  userid: string;
  type: number;
  join_time?: number;
  join_scene?: number;
  invitor?: { userid?: string };
  group_nickname?: string;
  name?: string;
  state?: string;
}

interface GetResponse {
  group_chat: {
    chat_id: string;
    name?: string;
    owner?: string;
    create_time?: number;
    notice?: string;
    member_list?: WeComMember[];
    admin_list?: { userid: string }[];
    member_version?: string;
  };
}

interface Props {
  wecom: WeComClient;
  chatId: string;
  now: Date;
}

/**
 * Re-read a customer group with groupchat/get and store it. Members who are no longer listed
 * are kept as `left` so join and leave history survives a full re-read.
 *
 * @param props client, chat id and the clock.
 * @returns the stored group.
 */
export default async function groupSyncer({ wecom, chatId, now }: Props): Promise<GroupAttrs> {
  const { group_chat: chat } = await wecom.post<GetResponse>("/cgi-bin/externalcontact/groupchat/get", {
    chat_id: chatId,
    need_name: 1,
  });
  const existing = await Group.findOne({ chatId }).lean();
  const previous = new Map((existing?.members ?? []).map((member) => [member.id, member]));
  const listed = new Set<string>();

  const members: GroupMemberAttrs[] = (chat.member_list ?? []).map((member) => {
    listed.add(member.userid);
    return {
      id: member.userid,
      type: member.type === 1 ? "employee" : "customer",
      joinScene: member.join_scene ?? null,
      joinedAt: member.join_time ? new Date(member.join_time * 1000) : null,
      invitorId: member.invitor?.userid ?? null,
      groupNickname: member.group_nickname ?? "",
      name: member.name ?? "",
      state: member.state ?? "",
      status: "in",
      quitScene: null,
      leftAt: null,
    };
  });
  for (const [id, member] of previous) {
    if (listed.has(id)) {
      continue;
    }
    members.push(
      member.status === "left"
        ? member
        : { ...member, status: "left", leftAt: now, quitScene: member.quitScene ?? null },
    );
  }

  const customersIn = (list: { id: string; type: string; status: string }[]) =>
    new Set(list.filter((member) => member.type === "customer" && member.status === "in").map((member) => member.id));
  const before = customersIn(existing?.members ?? []);
  const after = customersIn(members);
  const joined = [...after].filter((id) => !before.has(id));
  await memberGroupLinker(chatId, joined, [...before].filter((id) => !after.has(id)));
  for (const externalUserId of joined) {
    await autoTagger({ wecom, externalUserId, fact: { kind: "group_join", chatId }, now });
  }

  return Group.findOneAndUpdate(
    { chatId },
    {
      $set: {
        name: chat.name ?? "",
        ownerId: chat.owner ?? "",
        notice: chat.notice ?? "",
        adminIds: (chat.admin_list ?? []).map((admin) => admin.userid),
        createdAtWeCom: chat.create_time ? new Date(chat.create_time * 1000) : null,
        memberVersion: chat.member_version ?? null,
        status: "active",
        members,
        syncedAt: now,
      },
    },
    { upsert: true, returnDocument: "after", setDefaultsOnInsert: true, lean: true },
  ).orFail();
}
