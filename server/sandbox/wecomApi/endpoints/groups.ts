import { z } from "zod";
import { newConfigId, SANDBOX_JOIN_WAY_QR_TTL_MS, SandboxGroup, SandboxJoinWay, sandboxJoinWayQrExpired, unix } from "../../models/index.ts";
import type { SandboxJoinWayAttrs } from "../../models/SandboxJoinWay.ts";
import { endpoint, ERR, page, wecomError, type Endpoint } from "../endpoint.ts";
import { qrUrl } from "../qr.ts";

// §4.7: a join way lists at most 5 groups.
const JOIN_WAY_MAX_GROUPS = 5;

const joinWayFields = {
  scene: z.union([z.literal(1), z.literal(2)]),
  // §4.7: the remark is cut at 30 characters, not refused.
  remark: z.string().transform((value) => [...value].slice(0, 30).join("")).optional(),
  auto_create_room: z.union([z.literal(0), z.literal(1)]).optional(),
  room_base_name: z.string().refine((value) => [...value].length <= 40, "must be at most 40 characters").optional(),
  room_base_id: z.number().int().min(0).optional(),
  chat_id_list: z.array(z.string()).min(1),
  state: z.string().max(30).optional(),
  mark_source: z.boolean().optional(),
};

/** Customer groups and 「加入群聊」 join ways (wecom-reference §4.6, §4.7). */
export const groupEndpoints: Endpoint[] = [
  endpoint({
    method: "POST",
    path: "/cgi-bin/externalcontact/groupchat/list",
    token: "any",
    input: z.object({
      status_filter: z.number().int().min(0).max(3).optional(),
      owner_filter: z.object({ userid_list: z.array(z.string()).max(100).optional() }).optional(),
      cursor: z.string().optional(),
      limit: z.number().int().min(1).max(1000),
    }),
    async handle({ status_filter: statusFilter = 0, owner_filter: ownerFilter, cursor, limit }) {
      const owners = ownerFilter?.userid_list ?? [];
      const groups = await SandboxGroup.find({ dismissed: { $ne: true } }).sort({ create_time: 1, _id: 1 }).lean();
      const listed = groups.filter(
        (group) => (statusFilter === 0 || group.status === statusFilter) && (owners.length === 0 || owners.includes(group.owner)),
      );
      const { items, next_cursor } = page(listed, cursor, limit);
      return { group_chat_list: items.map((group) => ({ chat_id: group.chat_id, status: group.status })), next_cursor };
    },
  }),

  endpoint({
    method: "POST",
    path: "/cgi-bin/externalcontact/groupchat/get",
    token: "any",
    input: z.object({ chat_id: z.string(), need_name: z.union([z.literal(0), z.literal(1)]).optional() }),
    async handle({ chat_id: chatId, need_name: needName }) {
      const group = await SandboxGroup.findById(chatId).lean();
      if (!group || group.dismissed) {
        throw wecomError(ERR.INVALID_CHAT_ID, `invalid chat_id: ${chatId}`);
      }
      return {
        group_chat: {
          chat_id: group.chat_id,
          name: group.name,
          owner: group.owner,
          create_time: group.create_time,
          notice: group.notice,
          member_list: group.member_list.map((member) => ({
            userid: member.userid,
            type: member.type,
            ...(member.type === 2 && member.unionid ? { unionid: member.unionid } : {}),
            join_time: member.join_time,
            join_scene: member.join_scene,
            // §4.6: invitor only when a corp member invited.
            ...(member.invitor ? { invitor: { userid: member.invitor } } : {}),
            group_nickname: member.group_nickname,
            ...(needName === 1 ? { name: member.name } : {}),
            ...(member.state ? { state: member.state } : {}),
          })),
          admin_list: group.admin_list.map((admin) => ({ userid: admin.userid })),
          member_version: group.member_version,
        },
      };
    },
  }),

  endpoint({
    method: "POST",
    path: "/cgi-bin/externalcontact/groupchat/add_join_way",
    token: "any",
    input: z.object(joinWayFields),
    async handle(input, { now, baseUrl }) {
      await checkChats(input.chat_id_list);
      const configId = newConfigId();
      await SandboxJoinWay.create({
        config_id: configId,
        scene: input.scene,
        remark: input.remark ?? "",
        auto_create_room: input.auto_create_room ?? 1,
        room_base_name: input.room_base_name ?? "",
        room_base_id: input.room_base_id ?? 1,
        chat_id_list: input.chat_id_list,
        state: input.state ?? "",
        qr_code: input.scene === 2 ? qrUrl(baseUrl, "join_way", configId) : "",
        created_at: now,
      });
      // §4.7: add answers config_id only; the QR comes from get_join_way.
      return { config_id: configId };
    },
  }),

  endpoint({
    method: "POST",
    path: "/cgi-bin/externalcontact/groupchat/get_join_way",
    token: "any",
    input: z.object({ config_id: z.string() }),
    async handle({ config_id: configId }, { now, baseUrl }) {
      const way = await requireJoinWay(configId);
      return { join_way: presentJoinWay(way, now, baseUrl) };
    },
  }),

  endpoint({
    method: "POST",
    path: "/cgi-bin/externalcontact/groupchat/update_join_way",
    token: "any",
    input: z.object({ config_id: z.string(), ...joinWayFields }),
    async handle({ config_id: configId, ...changes }) {
      await requireJoinWay(configId);
      await checkChats(changes.chat_id_list);
      // The QR keeps its creation date: updating a way does not renew an expired code.
      const set = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
      await SandboxJoinWay.updateOne({ _id: configId }, { $set: set });
      return {};
    },
  }),

  endpoint({
    method: "POST",
    path: "/cgi-bin/externalcontact/groupchat/del_join_way",
    token: "any",
    input: z.object({ config_id: z.string() }),
    async handle({ config_id: configId }) {
      await requireJoinWay(configId);
      await SandboxJoinWay.deleteOne({ _id: configId });
      return {};
    },
  }),
];

async function requireJoinWay(configId: string): Promise<SandboxJoinWayAttrs> {
  const way = await SandboxJoinWay.findById(configId).lean();
  if (!way) {
    throw wecomError(ERR.INVALID_CONFIG_ID, `invalid config_id: ${configId}`);
  }
  return way;
}

async function checkChats(chatIds: string[]): Promise<void> {
  if (chatIds.length > JOIN_WAY_MAX_GROUPS) {
    throw wecomError(ERR.JOIN_WAY_TOO_MANY_GROUPS, `chat_id_list may list at most ${JOIN_WAY_MAX_GROUPS} groups`);
  }
  for (const chatId of chatIds) {
    const group = await SandboxGroup.findById(chatId, { dismissed: 1 }).lean();
    if (!group || group.dismissed) {
      throw wecomError(ERR.INVALID_CHAT_ID, `invalid chat_id: ${chatId}`);
    }
  }
}

// WeCom documents no lifetime for an API join way (7 days is the rule for a group's own QR in
// the client). The sandbox's join-way QR lasts 7 days; after that the way still exists, so
// get_join_way answers errcode 0 with qr_code "" and the stand-in's own qr_code_expired: true
// (qr_code_expire_time is always there). The image URL answers 410. Remedy: add a new join way.
function presentJoinWay(way: SandboxJoinWayAttrs, now: Date, baseUrl: string): Record<string, unknown> {
  const expired = sandboxJoinWayQrExpired(way, now);
  return {
    config_id: way.config_id,
    scene: way.scene,
    remark: way.remark,
    auto_create_room: way.auto_create_room,
    room_base_name: way.room_base_name,
    room_base_id: way.room_base_id,
    chat_id_list: way.chat_id_list,
    qr_code: way.scene === 2 && !expired ? qrUrl(baseUrl, "join_way", way.config_id) : "",
    state: way.state,
    qr_code_expire_time: unix(new Date(way.created_at.getTime() + SANDBOX_JOIN_WAY_QR_TTL_MS)),
    qr_code_expired: expired,
  };
}
