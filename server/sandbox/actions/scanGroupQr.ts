// A customer long-presses a group QR (「长按识别」, on a funnel's landing page or anywhere) and
// joins: WeCom lets them into the first group of the join way that still has room (200 by scan),
// records the way's state on the member (groupchat/get answers it) and sends change_external_chat
// update/add_member with JoinScene 3. When every listed group is full, a way with
// auto_create_room opens the next group itself (room_base_name + number) with the customer in it.
import { ConflictError, NotFoundError, UnprocessableError } from "../../errors.ts";
import {
  addSandboxGroupMember,
  newChatId,
  newMemberVersion,
  SandboxCustomer,
  SandboxGroup,
  SANDBOX_GROUP_CAPACITY,
  SandboxJoinWay,
  sandboxJoinWayQrExpired,
  unix,
} from "../models/index.ts";
import { callbacksAt, type SandboxContext } from "./context.ts";

export interface ScanGroupQrInput {
  externalUserId: string;
  /** What the phone saw: the QR image's URL (the stand-in's `/qr/join_way/<id>.png`) or its text. */
  qr: string;
  at?: Date;
}

/** Where the customer landed. */
export interface GroupQrJoin {
  chat_id: string;
  name: string;
  memberCount: number;
  /** True when WeCom opened a new group for the customer (auto_create_room). */
  created: boolean;
  state: string;
}

// The stand-in's QR (wecomApi/qr.ts): its image path, or the text it encodes.
const JOIN_WAY_QR = /(?:\/qr\/join_way\/([A-Za-z0-9_-]{1,64})\.png(?:[?#].*)?$)|(?:^wecom-sandbox:join_way:([A-Za-z0-9_-]{1,64})$)/;

/**
 * @param qr the QR's image URL or text.
 * @returns the join way's config_id, or null when it is no join way the stand-in issued.
 */
export function joinWayOfQr(qr: string): string | null {
  const match = JOIN_WAY_QR.exec(qr.trim());
  return match ? (match[1] ?? match[2] ?? null) : null;
}

/**
 * The customer scans a join way's QR: into its first group with room, or a new group when all are
 * full and the way may create one; refused when the QR has expired or every group is full.
 *
 * @param context callback URL and clock.
 * @param input who scans what.
 * @returns the group joined.
 */
export async function scanGroupQr(context: SandboxContext, input: ScanGroupQrInput): Promise<GroupQrJoin> {
  const configId = joinWayOfQr(input.qr);
  if (!configId) {
    throw UnprocessableError("not_a_join_way", "qr: 无法识别这个二维码（沙箱只能识别企业微信「加入群聊」二维码；上传的群二维码图片请在群里扫码）");
  }
  const at = input.at ?? context.now();
  const [way, customer] = await Promise.all([SandboxJoinWay.findById(configId).lean(), SandboxCustomer.findById(input.externalUserId).lean()]);
  if (!customer) {
    throw NotFoundError(`externalUserId: customer ${input.externalUserId}`);
  }
  if (!way) {
    throw NotFoundError("qr: 该群二维码已被删除");
  }
  if (sandboxJoinWayQrExpired(way, at)) {
    throw UnprocessableError("qr_expired", "qr: 该群二维码已过期");
  }
  const member = {
    userid: input.externalUserId,
    type: 2 as const,
    join_time: unix(at),
    // groupchat/get's scale: 3 = scanned the group QR.
    join_scene: 3,
    invitor: "",
    group_nickname: "",
    name: customer.name,
    unionid: customer.unionid,
    state: way.state,
  };
  // WeCom fills the listed groups in order; a full one (200) is passed over.
  for (const chatId of way.chat_id_list) {
    const joined = await addSandboxGroupMember(chatId, member);
    if (joined.status === "already_in") {
      throw ConflictError("externalUserId: 已在群中");
    }
    if (joined.status !== "added") {
      continue;
    }
    await callbacksAt(context, at).groupUpdateAddMember({
      chat_id: chatId,
      join_scene: 3,
      mem_change_list: [input.externalUserId],
      last_mem_ver: joined.last_mem_ver,
      cur_mem_ver: joined.cur_mem_ver,
    });
    const group = await SandboxGroup.findById(chatId, { name: 1 }).lean();
    return { chat_id: chatId, name: group?.name ?? "", memberCount: joined.member_count, created: false, state: way.state };
  }
  if (way.auto_create_room !== 1 || way.chat_id_list.length === 0) {
    throw UnprocessableError("group_full", `qr: 群已满（${SANDBOX_GROUP_CAPACITY} 人），请联系群主`);
  }
  return createRoom(context, way, member, at);
}

/**
 * auto_create_room: a new group owned by the first listed group's owner, named room_base_name +
 * the next number, with the customer in it; WeCom tells the product it was created and who joined.
 */
async function createRoom(
  context: SandboxContext,
  way: { _id: string; chat_id_list: string[]; room_base_name: string; room_base_id: number; state: string },
  member: { userid: string; join_time: number; name: string; unionid: string; state: string; type: 2; join_scene: number; invitor: string; group_nickname: string },
  at: Date,
): Promise<GroupQrJoin> {
  const first = await SandboxGroup.findById(way.chat_id_list[0], { owner: 1, name: 1 }).lean();
  const owner = first?.owner ?? "";
  const number = way.room_base_id + way.chat_id_list.length;
  const name = `${way.room_base_name || first?.name || "客户群"}${number}`;
  const chatId = newChatId();
  const before = newMemberVersion();
  const after = newMemberVersion();
  await SandboxGroup.create({
    chat_id: chatId,
    name,
    owner,
    create_time: unix(at),
    member_list: [{ userid: owner, type: 1, join_time: unix(at), join_scene: 1, name: "" }, member],
    member_version: after,
  });
  // WeCom lists the group it opened on the way, so the next scans land there too.
  await SandboxJoinWay.updateOne({ _id: way._id }, { $push: { chat_id_list: chatId } });
  const callbacks = callbacksAt(context, at);
  await callbacks.groupCreate({ chat_id: chatId });
  await callbacks.groupUpdateAddMember({ chat_id: chatId, join_scene: 3, mem_change_list: [member.userid], last_mem_ver: before, cur_mem_ver: after });
  return { chat_id: chatId, name, memberCount: 2, created: true, state: way.state };
}
