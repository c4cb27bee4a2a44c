import momentSync from "../commands/momentSync.ts";
import { scheduleSync } from "../commands/momentTimer.ts";
import { BaseJob } from "./BaseJob.ts";

/** After a failed sync (WeCom unreachable, 45009 after the client's retries), the next try. */
const RETRY_MS = 10 * 60_000;

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
    const now = this.context.now();
    try {
      return await momentSync({ wecom: this.context.wecom, momentId, now });
    } catch (error) {
      // A one-off job that throws is not run again by Agenda: without this the syncs would stop.
      await scheduleSync(momentId, new Date(now.getTime() + RETRY_MS)).catch(() => undefined);
      throw error;
    }
  }
}
