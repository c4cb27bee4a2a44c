import type mongoose from "mongoose";
import { currentImageKey, desiredChatIds, isPoolLow, usableCount } from "../domain/funnelPool.ts";
import { getLogger } from "../logging/logger.ts";
import { Funnel, type StoredFunnel } from "../models/Funnel.ts";
import type { WeComClient } from "../wecom/client.ts";
import { updateJoinWay } from "./funnelJoinWay.ts";
import funnelWarning from "./funnelWarning.ts";
import { invalidateLanding } from "./landingCache.ts";

interface Props {
  wecom: WeComClient;
  funnelId: mongoose.Types.ObjectId | string;
  now: Date;
  /** The safety-net job also re-sends a join way WeCom has not accepted yet (a failed call). */
  syncOwed?: boolean;
  /** The self-built app's agentid: a new pool-low warning goes to the operators as an app message. */
  agentId?: string | undefined;
}

/** What a rotation did. */
export interface RotationResult {
  rotated: boolean;
  synced: boolean;
}

const same = (a: string[], b: string[]) => a.length === b.length && a.every((id, index) => id === b[index]);

/**
 * Move the funnel to the groups that can still take members: the join way's chat list to the
 * first usable managed groups, the shown QR to the first usable upload, the pool-low warning
 * set or cleared. The change is claimed with a conditional update on `rotationVersion`, so when
 * many joins arrive at once exactly one of them rotates and calls WeCom; the others re-read and
 * find nothing left to do.
 *
 * @param props the client, the funnel and the clock.
 * @returns whether this call rotated, and whether it sent the join way to WeCom.
 */
export default async function funnelRotator({ wecom, funnelId, now, syncOwed = false, agentId }: Props): Promise<RotationResult> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const funnel = await Funnel.findById(funnelId).lean<StoredFunnel>();
    if (!funnel) {
      return { rotated: false, synced: false };
    }
    const chatIds = funnel.joinWay ? desiredChatIds(funnel, now) : [];
    const imageKey = currentImageKey(funnel, now);
    const usable = usableCount(funnel, now);
    const low = isPoolLow(funnel, now);
    const listChanged = funnel.joinWay ? !same(chatIds, funnel.joinWay.chatIds) : false;
    const imageChanged = imageKey !== funnel.currentImageKey;
    const warningChanged = low ? funnel.warning?.usable !== usable : Boolean(funnel.warning);
    if (!listChanged && !imageChanged && !warningChanged) {
      const owed = syncOwed && funnel.joinWay?.configId && funnel.joinWay.syncedVersion < funnel.rotationVersion;
      return { rotated: false, synced: owed ? await syncJoinWay(wecom, funnel) : false };
    }
    const set: Record<string, unknown> = { currentImageKey: imageKey };
    if (listChanged) {
      set["joinWay.chatIds"] = chatIds;
    }
    if (warningChanged) {
      set.warning = low ? { usable, at: now, notifiedAt: funnel.warning?.notifiedAt ?? null } : null;
    }
    const claimed = await Funnel.findOneAndUpdate(
      { _id: funnel._id, rotationVersion: funnel.rotationVersion },
      { $set: set, $inc: { rotationVersion: 1 } },
      { returnDocument: "after" },
    ).lean<StoredFunnel>();
    if (!claimed) {
      // Another join rotated first: read what it decided and see whether anything is left.
      continue;
    }
    invalidateLanding(funnel.slug);
    if (low && !funnel.warning) {
      getLogger("job").warn({ funnelId: String(funnel._id), usable }, "funnel pool running low");
      await funnelWarning(wecom, claimed, agentId, now);
    }
    return { rotated: listChanged || imageChanged, synced: listChanged && claimed.joinWay?.configId ? await syncJoinWay(wecom, claimed) : false };
  }
  return { rotated: false, synced: false };
}

async function syncJoinWay(wecom: WeComClient, funnel: StoredFunnel): Promise<boolean> {
  const joinWay = funnel.joinWay;
  if (!joinWay?.configId || joinWay.chatIds.length === 0) {
    return false;
  }
  await updateJoinWay(wecom, joinWay.configId, {
    name: funnel.name,
    state: funnel.state,
    autoCreateRoom: joinWay.autoCreateRoom,
    roomBaseName: joinWay.roomBaseName,
    roomBaseId: joinWay.roomBaseId,
    chatIds: joinWay.chatIds,
  });
  await Funnel.updateOne(
    { _id: funnel._id, "joinWay.syncedVersion": { $lt: funnel.rotationVersion } },
    { $set: { "joinWay.syncedVersion": funnel.rotationVersion } },
  );
  return true;
}
