import type { Types } from "mongoose";
import { ChannelCode } from "../models/ChannelCode.ts";
import { paginate, type WeComClient } from "../wecom/client.ts";

interface ContactWay {
  config_id: string;
  state?: string;
  qr_code?: string;
}

// How far around a pending code's creation WeCom's list is searched (clocks differ a little).
const SLACK_S = 300;
// Longer than a create takes (the client's timeout and retries), so a live create is never undone.
const PENDING_GRACE_MS = 60_000;

/**
 * Find the contact way WeCom made for a code by its state (unique to the code), when a create
 * ended before its answer was stored: a timeout, or a process that died in between.
 *
 * @param wecom the client.
 * @param code the code's state and when it was stored.
 * @param now the clock.
 * @returns WeCom's config_id and QR, or null when WeCom has no such way.
 */
export async function findContactWayByState(wecom: WeComClient, code: { state: string; createdAt?: Date | null }, now: Date): Promise<{ configId: string; qrCode: string } | null> {
  const from = Math.floor((code.createdAt ?? now).getTime() / 1000) - SLACK_S;
  const ways = paginate(async (cursor) => {
    const page = await wecom.post<{ contact_way?: { config_id: string }[]; next_cursor?: string }>("/cgi-bin/externalcontact/list_contact_way", {
      start_time: from,
      end_time: Math.floor(now.getTime() / 1000) + SLACK_S,
      cursor: cursor || undefined,
      limit: 1000,
    });
    return { items: page.contact_way ?? [], nextCursor: page.next_cursor };
  });
  for await (const way of ways) {
    const detail = await wecom.post<{ contact_way: ContactWay }>("/cgi-bin/externalcontact/get_contact_way", { config_id: way.config_id });
    if (detail.contact_way.state === code.state) {
      return { configId: detail.contact_way.config_id, qrCode: detail.contact_way.qr_code ?? "" };
    }
  }
  return null;
}

/**
 * Settle a code left pending: store WeCom's config_id if WeCom made the way, else drop the
 * document (WeCom never held it, so nothing else refers to it).
 *
 * @param props the client, the code and the clock.
 * @returns "active" or "removed".
 */
export default async function channelCodeReconciler({ wecom, codeId, now }: { wecom: WeComClient; codeId: Types.ObjectId | string; now: Date }): Promise<"active" | "removed" | "unchanged"> {
  const code = await ChannelCode.findById(codeId, { state: 1, status: 1, createdAt: 1 }).lean();
  // A create still waiting for WeCom's answer is not lost yet: leave it to finish.
  if (!code || code.status !== "pending" || (code.createdAt && now.getTime() - code.createdAt.getTime() < PENDING_GRACE_MS)) {
    return "unchanged";
  }
  const found = await findContactWayByState(wecom, code, now);
  if (!found) {
    await ChannelCode.deleteOne({ _id: codeId, status: "pending" });
    return "removed";
  }
  await ChannelCode.updateOne({ _id: codeId, status: "pending" }, {
    // What WeCom holds is not known here: an empty set makes the next switch push the schedule.
    $set: { configId: found.configId, qrCode: found.qrCode, status: "active", applied: { userIds: [], skipVerify: true, remark: "" } },
  });
  return "active";
}
