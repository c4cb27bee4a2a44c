// A customer joins a customer group: WeCom adds the member and tells the product the versions
// before and after.
import { ConflictError, NotFoundError, UnprocessableError } from "../../errors.ts";
import { addSandboxGroupMember, SandboxCustomer, SandboxGroup, SANDBOX_GROUP_CAPACITY, unix } from "../models/index.ts";
import { callbacksAt, type SandboxContext } from "./context.ts";

export interface JoinGroupInput {
  externalUserId: string;
  chatId: string;
  /** How: scanning the group's QR code (default) or invited by the owner. */
  via?: "qr" | "invite";
  at?: Date;
}

/**
 * A customer joins a customer group: WeCom adds the member (refused when the group holds 200),
 * moves member_version on, and sends `change_external_chat` update/add_member carrying the
 * version before and after (wecom-reference §2.2).
 *
 * @param context callback URL and clock.
 * @param input who joins which group, how and when.
 * @returns the group and its member count.
 */
export async function joinGroup(context: SandboxContext, input: JoinGroupInput): Promise<{ chat_id: string; memberCount: number }> {
  const customer = await SandboxCustomer.findById(input.externalUserId).lean();
  if (!customer) {
    throw NotFoundError(`externalUserId: customer ${input.externalUserId}`);
  }
  const group = await SandboxGroup.findById(input.chatId, { owner: 1, dismissed: 1 }).lean();
  if (!group || group.dismissed) {
    throw NotFoundError(`chatId: group ${input.chatId}`);
  }
  const at = input.at ?? context.now();
  const viaQr = (input.via ?? "qr") === "qr";
  const joined = await addSandboxGroupMember(input.chatId, {
    userid: input.externalUserId,
    type: 2,
    join_time: unix(at),
    // groupchat/get's scale: 1 direct invite, 3 group QR.
    join_scene: viaQr ? 3 : 1,
    invitor: viaQr ? "" : group.owner,
    group_nickname: "",
    name: customer.name,
    unionid: customer.unionid,
  });
  if (joined.status !== "added") {
    throw refusal(joined.status, input.chatId);
  }
  await callbacksAt(context, at).groupUpdateAddMember({
    chat_id: input.chatId,
    // The event's scale: 0 invited by a member, 3 group QR.
    join_scene: viaQr ? 3 : 0,
    mem_change_list: [input.externalUserId],
    last_mem_ver: joined.last_mem_ver,
    cur_mem_ver: joined.cur_mem_ver,
  });
  return { chat_id: input.chatId, memberCount: joined.member_count };
}

/** WeCom's refusal, as the sandbox page shows it. */
function refusal(status: "not_found" | "already_in" | "full", chatId: string): Error {
  if (status === "not_found") {
    return NotFoundError(`chatId: group ${chatId}`);
  }
  if (status === "already_in") {
    return ConflictError("externalUserId: 已在群中");
  }
  return UnprocessableError("group_full", `chatId: 群已满（${SANDBOX_GROUP_CAPACITY} 人）`);
}
