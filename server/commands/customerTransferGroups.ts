import { transferRefusalReason } from "../domain/transferOutcomes.ts";
import { ValidationError, WeComApiError } from "../errors.ts";
import { DepartedGuide } from "../models/DepartedGuide.ts";
import { CustomerTransfer, customerTransferId, type TransferKind } from "../models/CustomerTransfer.ts";
import { Group } from "../models/Group.ts";
import type { Actor } from "../security/authorization.ts";
import type { WeComClient } from "../wecom/client.ts";
import { handoverStore, inTransferScope, takeoverGuides, takeoverProblem } from "./customerTransferCandidates.ts";

const PATHS: Record<TransferKind, string> = {
  resigned: "/cgi-bin/externalcontact/groupchat/transfer",
  onjob: "/cgi-bin/externalcontact/groupchat/onjob_transfer",
};

interface GroupTransferAnswer {
  failed_chat_list?: { chat_id: string; errcode: number; errmsg?: string }[];
}

/**
 * Give a guide's customer groups to another guide. WeCom answers at once with the groups it could
 * not move, so each group's record is final after the call and the group's owner is updated for
 * the rest.
 *
 * @param props who asks, the handover guide's groups, the new owner, the client and the clock.
 * @returns how many groups moved and how many WeCom refused.
 */
export default async function customerTransferGroups({ wecom, actor, kind, handoverUserId, takeoverUserId, chatIds, now }: { wecom: WeComClient; actor: Actor; kind: TransferKind; handoverUserId: string; takeoverUserId: string; chatIds: string[]; now: Date }): Promise<{ done: number; refused: number }> {
  const storeId = await handoverStore(handoverUserId);
  if (!inTransferScope(actor, storeId)) {
    throw ValidationError("handoverUserId: 该导购不属于您管理的门店");
  }
  const problem = takeoverProblem(actor, (await takeoverGuides(wecom, [takeoverUserId])).get(takeoverUserId), handoverUserId);
  if (problem) {
    throw ValidationError(`takeoverUserId: ${problem}`);
  }
  const owned = new Set((await Group.find({ chatId: { $in: chatIds }, ownerId: handoverUserId, status: "active" }, { chatId: 1 }).lean()).map((group) => group.chatId));
  const foreign = chatIds.findIndex((chatId) => !owned.has(chatId));
  if (foreign >= 0) {
    throw ValidationError(`chatIds.${foreign}: 该群不是原导购的群`);
  }
  const pair = { kind, handoverUserId, takeoverUserId };
  const ids = new Map<string, string>();
  for (const chatId of chatIds) {
    const attempt = (await CustomerTransfer.countDocuments({ ...pair, subject: "group", targetId: chatId })) + 1;
    const _id = customerTransferId({ ...pair, subject: "group", targetId: chatId, attempt });
    await CustomerTransfer.create({ _id, ...pair, subject: "group", targetId: chatId, storeId, attempt, requestedBy: actor.userId ?? "api", requestedAt: now, calledAt: now });
    ids.set(chatId, _id);
  }
  let failed: Map<string, number>;
  try {
    const answer = await wecom.post<GroupTransferAnswer>(PATHS[kind], { chat_id_list: chatIds, new_owner: takeoverUserId }, { priority: "bulk" });
    failed = new Map((answer.failed_chat_list ?? []).map((chat) => [chat.chat_id, chat.errcode]));
  } catch (error) {
    // WeCom unreachable after the client's retries: every group failed now and may be sent again.
    const errcode = error instanceof WeComApiError ? error.errcode : -1;
    failed = new Map(chatIds.map((chatId) => [chatId, errcode]));
  }
  for (const chatId of chatIds) {
    const errcode = failed.get(chatId);
    const set = errcode === undefined ? { state: "done", errcode: 0, takeoverTime: now, finishedAt: now, movedAt: now } : { state: "failed", errcode, reason: transferRefusalReason(errcode), finishedAt: now };
    await CustomerTransfer.updateOne({ _id: ids.get(chatId) }, { $set: set });
    if (errcode === undefined) {
      await Group.updateOne({ chatId }, { $set: { ownerId: takeoverUserId } });
    }
  }
  const moved = chatIds.filter((chatId) => !failed.has(chatId));
  if (kind === "resigned" && moved.length > 0) {
    // Taken off by id and recounted rather than decremented: a second request for the same groups cannot count twice.
    const left = await DepartedGuide.findOneAndUpdate({ _id: handoverUserId }, { $pullAll: { groupChatIds: moved } }, { returnDocument: "after", projection: { groupChatIds: 1 } }).lean();
    if (left) {
      await DepartedGuide.updateOne({ _id: handoverUserId }, { $set: { groups: left.groupChatIds.length } });
    }
  }
  return { done: moved.length, refused: failed.size };
}
