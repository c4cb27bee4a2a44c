import type { Types } from "mongoose";
import { isDuplicateKeyError } from "../db/duplicates.ts";
import { Funnel, FunnelChat, FunnelJoin } from "../models/Funnel.ts";
import { Group } from "../models/Group.ts";
import type { ExternalChatEvent } from "../wecom/callbackEvent.ts";
import type { WeComClient } from "../wecom/client.ts";
import funnelRotator from "./funnelRotator.ts";
import { countFunnelJoins, countFunnelLeaves } from "./funnelStatCounter.ts";

interface Props {
  wecom: WeComClient;
  event: ExternalChatEvent;
  now: Date;
  /** The self-built app's agentid, for the pool-low message. */
  agentId?: string | undefined;
}

// change_external_chat's JoinScene: 3 = scanned the group QR (wecom-reference 2.2).
const JOIN_SCENE_QR = 3;

/**
 * After a group's members changed (groupUpdater has applied the event): when the group is in a
 * funnel's pool, set its member count from the stored group, count QR joins once per member and
 * version, and rotate the funnel if the group filled up or has room again.
 *
 * @param props the client, the event and the clock.
 * @returns nothing.
 */
export default async function funnelJoinRecorder({ wecom, event, now, agentId }: Props): Promise<void> {
  if (event.UpdateDetail !== "add_member" && event.UpdateDetail !== "del_member" && event.ChangeType !== "dismiss") {
    return;
  }
  const link = (await FunnelChat.findById(event.ChatId).lean()) ?? (event.UpdateDetail === "add_member" ? await adoptCreatedRoom(event.ChatId) : null);
  if (!link) {
    return;
  }
  await setGroupCount(link.funnelId, event.ChatId);
  if (event.UpdateDetail === "add_member" && event.JoinScene === JOIN_SCENE_QR) {
    const version = event.CurMemVer ?? String(event.CreateTime);
    let counted = 0;
    for (const memberId of event.MemChangeList) {
      try {
        await FunnelJoin.create({ _id: `${String(link.funnelId)}:${event.ChatId}:${memberId}:${version}`, funnelId: link.funnelId, at: new Date(event.CreateTime * 1000) });
        counted += 1;
      } catch (error) {
        if (!isDuplicateKeyError(error)) {
          throw error;
        }
      }
    }
    if (counted > 0) {
      await Funnel.updateOne({ _id: link.funnelId, "groups.chatId": event.ChatId }, { $inc: { "stats.joins": counted, "groups.$.joins": counted } });
    }
  }
  await countStats(String(link.funnelId), event);
  await funnelRotator({ wecom, funnelId: link.funnelId, now, agentId });
}

// The funnel's day figures (funnelStatCounter): scan joins, customers' leaves and 7-day losses.
async function countStats(funnelId: string, event: ExternalChatEvent): Promise<void> {
  const change = { funnelId, chatId: event.ChatId, memberIds: event.MemChangeList, version: event.CurMemVer ?? String(event.CreateTime), at: new Date(event.CreateTime * 1000) };
  if (event.UpdateDetail === "add_member" && event.JoinScene === JOIN_SCENE_QR) {
    await countFunnelJoins(change);
  } else if (event.UpdateDetail === "del_member") {
    await countFunnelLeaves(change);
  }
}

/**
 * Copy a pool group's member count (and whether it was dismissed) from the stored group.
 *
 * @param funnelId the funnel.
 * @param chatId the group.
 * @returns the count now.
 */
export async function setGroupCount(funnelId: Types.ObjectId, chatId: string): Promise<number> {
  const group = await Group.findOne({ chatId }, { members: 1, status: 1 }).lean();
  const memberCount = (group?.members ?? []).filter((member) => member.status === "in").length;
  await Funnel.updateOne(
    { _id: funnelId, "groups.chatId": chatId },
    { $set: { "groups.$.memberCount": memberCount, "groups.$.dismissed": group?.status === "dismissed" } },
  );
  return memberCount;
}

/**
 * With auto_create_room WeCom opens a new group itself when the listed ones are full; its members
 * carry the join way's state (groupchat/get, stored by the group's create event), which names the
 * funnel. Such a group joins the funnel's pool, so it is counted and rotated like the others.
 *
 * @param chatId a group that is in no funnel yet.
 * @returns the new link, or null when the group did not come from a funnel's join way.
 */
async function adoptCreatedRoom(chatId: string): Promise<{ _id: string; funnelId: Types.ObjectId } | null> {
  const group = await Group.findOne({ chatId }, { name: 1, members: 1 }).lean();
  const states = [...new Set((group?.members ?? []).map((member) => member.state ?? "").filter((state) => state !== ""))];
  for (const state of states) {
    const funnel = await Funnel.findOne({ state }, { joinWay: 1 }).lean();
    if (!funnel?.joinWay?.autoCreateRoom) {
      continue;
    }
    try {
      await FunnelChat.create({ _id: chatId, funnelId: funnel._id });
    } catch (error) {
      if (!isDuplicateKeyError(error)) {
        throw error;
      }
    }
    await Funnel.updateOne(
      { _id: funnel._id, "groups.chatId": { $ne: chatId } },
      { $push: { groups: { key: chatId, kind: "wecom", chatId, name: group?.name ?? "", memberCount: 0, joins: 0 } } },
    );
    return { _id: chatId, funnelId: funnel._id };
  }
  return null;
}
