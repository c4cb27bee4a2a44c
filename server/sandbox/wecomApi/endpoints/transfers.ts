import { createHash } from "node:crypto";
import { z } from "zod";
import { SandboxFollow, sandboxFollowId, SandboxGroup, SandboxUser, unix } from "../../models/index.ts";
import { SandboxResignation } from "../../models/SandboxResignation.ts";
import { SandboxTransfer, type SandboxTransferAttrs } from "../../models/SandboxTransfer.ts";
import { endpoint, ERR, page, wecomError, type Endpoint } from "../endpoint.ts";

type Kind = "resigned" | "onjob";

// WeCom's codes for transfers (wecom-reference §3.4, §4.11).
const NOT_RESIGNED = 40097;
const ALREADY_TRANSFERRING = 40129;
const SAME_MEMBER = 40130;
const NOT_A_FOLLOWER = 40131;
const ONJOB_LIMIT = 40128;
const NO_CONTACT_PERMISSION = 84074;
const ONJOB_WINDOW_SECONDS = 90 * 86_400;
const WAITING = 2;

const unit = (text: string): number => createHash("sha256").update(text).digest().readUInt32BE(0) / 0x1_0000_0000;

/**
 * What becomes of a transfer, the same for the same transfer: most are done within a couple of
 * minutes, some wait for the customer the whole day WeCom gives them, a few are refused and an
 * occasional takeover guide is full.
 */
function outcomeOf(seed: string, createTime: number): { outcome: number; decide_time: number } {
  const roll = unit(`outcome:${seed}`);
  const delay = 30 + Math.floor(unit(`delay:${seed}`) * 90);
  if (roll < 0.75) {
    return { outcome: 1, decide_time: createTime + delay };
  }
  if (roll < 0.88) {
    return { outcome: 1, decide_time: createTime + 86_400 };
  }
  return { outcome: roll < 0.95 ? 3 : 4, decide_time: createTime + delay };
}

/** Still on its way (waiting, or done but not yet read back): the customer is not the handover's to give again. */
const inFlight = (transfer: SandboxTransferAttrs, at: number) => !transfer.applied && (at < transfer.decide_time || transfer.outcome === 1);

async function requireActive(userid: string): Promise<void> {
  const user = await SandboxUser.findById(userid, { status: 1 }).lean();
  if (!user || user.status !== 1) {
    throw wecomError(NO_CONTACT_PERMISSION, `takeover_userid ${userid} has no customer contact permission`);
  }
}

/** A done transfer moves the follow once: the takeover member gets the customer, the handover member loses them. */
async function apply(transfer: SandboxTransferAttrs, now: number): Promise<void> {
  const claimed = await SandboxTransfer.updateOne({ _id: transfer._id, applied: false }, { $set: { applied: true } });
  if (claimed.modifiedCount === 0) {
    return;
  }
  const old = await SandboxFollow.findOne({ external_userid: transfer.external_userid, userid: transfer.handover_userid }).lean();
  await SandboxFollow.updateOne(
    { external_userid: transfer.external_userid, userid: transfer.takeover_userid },
    { $setOnInsert: { _id: sandboxFollowId(transfer.external_userid, transfer.takeover_userid), createtime: now, add_way: 202, oper_userid: transfer.takeover_userid, remark: old?.remark ?? "", tags: old?.tags ?? [], state: old?.state ?? "" } },
    { upsert: true },
  );
  await SandboxFollow.deleteOne({ external_userid: transfer.external_userid, userid: transfer.handover_userid });
}

async function statusOf(transfer: SandboxTransferAttrs, now: number): Promise<{ status: number; takeover_time: number }> {
  if (now < transfer.decide_time) {
    return { status: WAITING, takeover_time: 0 };
  }
  if (transfer.outcome === 1) {
    await apply(transfer, now);
    return { status: 1, takeover_time: transfer.decide_time };
  }
  return { status: transfer.outcome, takeover_time: 0 };
}

const transferInput = z.object({
  handover_userid: z.string().min(1),
  takeover_userid: z.string().min(1),
  external_userid: z.array(z.string().min(1)).min(1).max(100),
  transfer_success_msg: z.string().max(200).optional(),
});

function transferCustomers(kind: Kind): Endpoint {
  return endpoint({
    method: "POST",
    path: kind === "resigned" ? "/cgi-bin/externalcontact/resigned/transfer_customer" : "/cgi-bin/externalcontact/transfer_customer",
    token: "any",
    input: transferInput,
    async handle({ handover_userid: handover, takeover_userid: takeover, external_userid: customers }, { now }) {
      if (handover === takeover) {
        throw wecomError(SAME_MEMBER, "handover_userid equals takeover_userid");
      }
      const resigned = await SandboxResignation.exists({ _id: handover });
      if (kind === "resigned" && !resigned) {
        throw wecomError(NOT_RESIGNED, `handover_userid ${handover} has not resigned`);
      }
      await requireActive(takeover);
      const at = unix(now);
      const answers: { external_userid: string; errcode: number }[] = [];
      for (const externalUserId of customers) {
        answers.push({ external_userid: externalUserId, errcode: await startOne(kind, externalUserId, handover, takeover, at) });
      }
      return { customer: answers };
    },
  });
}

async function startOne(kind: Kind, externalUserId: string, handover: string, takeover: string, at: number): Promise<number> {
  if (!(await SandboxFollow.exists({ external_userid: externalUserId, userid: handover }))) {
    return NOT_A_FOLLOWER;
  }
  const history = await SandboxTransfer.find({ external_userid: externalUserId }).lean();
  if (history.some((transfer) => inFlight(transfer, at))) {
    return ALREADY_TRANSFERRING;
  }
  if (kind === "onjob" && history.filter((transfer) => transfer.kind === "onjob" && transfer.create_time > at - ONJOB_WINDOW_SECONDS).length >= 2) {
    return ONJOB_LIMIT;
  }
  const _id = [kind, externalUserId, handover, takeover, at].join("|");
  await SandboxTransfer.updateOne({ _id }, { $setOnInsert: { kind, external_userid: externalUserId, handover_userid: handover, takeover_userid: takeover, create_time: at, ...outcomeOf(_id, at) } }, { upsert: true });
  return 0;
}

function transferResult(kind: Kind): Endpoint {
  return endpoint({
    method: "POST",
    path: kind === "resigned" ? "/cgi-bin/externalcontact/resigned/transfer_result" : "/cgi-bin/externalcontact/transfer_result",
    token: "any",
    input: z.object({ handover_userid: z.string().min(1), takeover_userid: z.string().min(1), cursor: z.string().optional() }),
    async handle({ handover_userid: handover, takeover_userid: takeover, cursor }, { now }) {
      const transfers = await SandboxTransfer.find({ kind, handover_userid: handover, takeover_userid: takeover }).sort({ external_userid: 1, create_time: -1 }).lean();
      // The latest transfer of each customer between the two.
      const latest = transfers.filter((transfer, index) => index === 0 || transfers[index - 1]?.external_userid !== transfer.external_userid);
      const { items, next_cursor } = page(latest, cursor, 1000);
      const at = unix(now);
      const customer = [];
      for (const transfer of items) {
        customer.push({ external_userid: transfer.external_userid, ...(await statusOf(transfer, at)) });
      }
      return { customer, next_cursor };
    },
  });
}

function transferGroups(kind: Kind): Endpoint {
  return endpoint({
    method: "POST",
    path: kind === "resigned" ? "/cgi-bin/externalcontact/groupchat/transfer" : "/cgi-bin/externalcontact/groupchat/onjob_transfer",
    token: "any",
    input: z.object({ chat_id_list: z.array(z.string().min(1)).min(1).max(100), new_owner: z.string().min(1) }),
    async handle({ chat_id_list: chatIds, new_owner: newOwner }) {
      await requireActive(newOwner);
      const failed: { chat_id: string; errcode: number; errmsg: string }[] = [];
      for (const chatId of chatIds) {
        const group = await SandboxGroup.findById(chatId, { owner: 1, dismissed: 1 }).lean();
        const resigned = group ? await SandboxResignation.exists({ _id: group.owner }) : null;
        if (!group || group.dismissed) {
          failed.push({ chat_id: chatId, errcode: ERR.INVALID_CHAT_ID, errmsg: "invalid chat_id" });
        } else if (kind === "resigned" && !resigned) {
          failed.push({ chat_id: chatId, errcode: NOT_RESIGNED, errmsg: "owner has not resigned" });
        } else {
          // groupchat/list status 3: 离职继承完成; an on-job transfer leaves the group normal (0).
          await SandboxGroup.updateOne({ _id: chatId }, { $set: { owner: newOwner, status: kind === "resigned" ? 3 : 0 } });
        }
      }
      return { failed_chat_list: failed };
    },
  });
}

/** 离职继承 and 在职转接 (wecom-reference §4.11), outcomes decided on the sandbox's habits. */
export const transferEndpoints: Endpoint[] = [
  endpoint({
    method: "POST",
    path: "/cgi-bin/externalcontact/get_unassigned_list",
    token: "any",
    input: z.object({ cursor: z.string().optional(), page_size: z.number().int().min(1).max(1000).optional(), page_id: z.number().int().optional() }),
    async handle({ cursor, page_size: pageSize = 1000 }, { now }) {
      const at = unix(now);
      const resignations = await SandboxResignation.find().sort({ _id: 1 }).lean();
      const info: { handover_userid: string; external_userid: string; dimission_time: number }[] = [];
      for (const resignation of resignations) {
        const follows = await SandboxFollow.find({ userid: resignation._id }, { external_userid: 1 }).sort({ _id: 1 }).lean();
        const transfers = await SandboxTransfer.find({ handover_userid: resignation._id, applied: false }).lean();
        const moving = new Set(transfers.filter((transfer) => inFlight(transfer, at)).map((transfer) => transfer.external_userid));
        for (const follow of follows.filter((row) => !moving.has(row.external_userid))) {
          info.push({ handover_userid: resignation._id, external_userid: follow.external_userid, dimission_time: resignation.dimission_time });
        }
      }
      const { items, next_cursor } = page(info, cursor, pageSize);
      return { info: items, is_last: next_cursor === "", next_cursor };
    },
  }),
  transferCustomers("resigned"),
  transferCustomers("onjob"),
  transferResult("resigned"),
  transferResult("onjob"),
  transferGroups("resigned"),
  transferGroups("onjob"),
];
