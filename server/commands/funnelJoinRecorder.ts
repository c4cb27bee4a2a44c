import type { Types } from "mongoose";
import { isDuplicateKeyError } from "../db/duplicates.ts";
import { Funnel, FunnelChat, FunnelJoin } from "../models/Funnel.ts";
import { Group } from "../models/Group.ts";
import type { ExternalChatEvent } from "../wecom/callbackEvent.ts";
import type { WeComClient } from "../wecom/client.ts";
import funnelRotator from "./funnelRotator.ts";

interface Props {
  wecom: WeComClient;
  event: ExternalChatEvent;
  now: Date;
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
export default async function funnelJoinRecorder({ wecom, event, now }: Props): Promise<void> {
  if (event.UpdateDetail !== "add_member" && event.UpdateDetail !== "del_member" && event.ChangeType !== "dismiss") {
    return;
  }
  const link = await FunnelChat.findById(event.ChatId).lean();
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
  await funnelRotator({ wecom, funnelId: link.funnelId, now });
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
