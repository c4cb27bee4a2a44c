import momentSync from "../commands/momentSync.ts";
import { BaseJob } from "./BaseJob.ts";

/**
 * One per sent moment: reads who published and the likes and comments, then sets itself for the
 * next look (every 10 minutes for 2 hours, hourly to a day, then daily to the end of the period).
 */
export class SyncMomentJob extends BaseJob<{ momentId: string }> {
  /**
   * @param props the moment.
   * @returns the moment's totals.
   */
  async perform({ momentId }: { momentId: string }): Promise<Record<string, unknown>> {
    return momentSync({ wecom: this.context.wecom, momentId, now: this.context.now() });
  }
}
