import massMessageSync from "../commands/massMessageSync.ts";
import { BaseJob } from "./BaseJob.ts";

/**
 * One per dispatched mass message: who sent, and to whom it was delivered, not a friend or over
 * the receive cap; sets itself for the next look (every 10 minutes for 2 hours, hourly to a day,
 * then daily until the campaign's sync days are over).
 */
export class SyncMassMessageJob extends BaseJob<{ massMessageId: string }> {
  /**
   * @param props the campaign.
   * @returns the campaign's totals.
   */
  async perform({ massMessageId }: { massMessageId: string }): Promise<Record<string, unknown>> {
    return massMessageSync({ wecom: this.context.wecom, massMessageId, now: this.context.now() });
  }
}
