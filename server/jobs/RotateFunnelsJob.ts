import groupSyncer from "../commands/groupSyncer.ts";
import { joinWayQrCode } from "../commands/funnelJoinWay.ts";
import { setGroupCount } from "../commands/funnelJoinRecorder.ts";
import funnelRotator from "../commands/funnelRotator.ts";
import { getLogger } from "../logging/logger.ts";
import { Funnel, type StoredFunnel } from "../models/Funnel.ts";
import { CronJob } from "./BaseJob.ts";

/**
 * The safety net behind the group events: uploaded QRs expire with no event at all, a callback
 * can be lost, and a join way WeCom refused to update is owed a retry. Every few minutes each
 * running funnel re-reads the member counts of the groups it is sending people to now (at most
 * five per join way, plus the shown upload) with groupchat/get, then rotates.
 */
export class RotateFunnelsJob extends CronJob {
  readonly interval = "*/5 * * * *";

  /**
   * @returns how many funnels were checked, rotated and re-sent to WeCom.
   */
  async perform(): Promise<Record<string, unknown>> {
    const { wecom } = this.context;
    const now = this.context.now();
    const funnels = await Funnel.find({ paused: false }).lean<StoredFunnel[]>();
    let rotated = 0;
    let synced = 0;
    for (const funnel of funnels) {
      try {
        const current = new Set([...(funnel.joinWay?.chatIds ?? []), ...funnel.groups.filter((group) => group.key === funnel.currentImageKey).map((group) => group.chatId)]);
        for (const chatId of current) {
          if (chatId) {
            await groupSyncer({ wecom, chatId, now });
            await setGroupCount(funnel._id, chatId);
          }
        }
        if (funnel.joinWay?.configId && !funnel.joinWay.qrCode) {
          await Funnel.updateOne({ _id: funnel._id }, { $set: { "joinWay.qrCode": await joinWayQrCode(wecom, funnel.joinWay.configId) } });
        }
        const result = await funnelRotator({ wecom, funnelId: funnel._id, now, syncOwed: true, agentId: this.context.agentId });
        rotated += result.rotated ? 1 : 0;
        synced += result.synced ? 1 : 0;
      } catch (error) {
        // One funnel's WeCom trouble must not hold the others back; the next run retries it.
        getLogger("job").warn({ jobName: this.name, funnelId: String(funnel._id), err: error }, "funnel not rotated");
      }
    }
    return { funnels: funnels.length, rotated, synced };
  }
}
