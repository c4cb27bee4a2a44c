import momentPublisher from "../commands/momentPublisher.ts";
import { schedulePublish } from "../commands/momentTimer.ts";
import { BaseJob } from "./BaseJob.ts";

/** After an unexpected failure (the database, a bug), the moment is tried again this much later. */
const RETRY_MS = 5 * 60_000;

/**
 * One per moment, due at its time: hands WeCom the task and follows it to its result, setting
 * itself again while WeCom is busy (41078/41079) or still working. There is no loop over moments.
 */
export class PublishMomentJob extends BaseJob<{ momentId: string }> {
  /**
   * @param props the moment.
   * @returns what happened.
   */
  async perform({ momentId }: { momentId: string }): Promise<Record<string, unknown>> {
    const now = this.context.now();
    try {
      return { momentId, ...(await momentPublisher({ wecom: this.context.wecom, momentId, now })) };
    } catch (error) {
      // A one-off job that throws is not run again by Agenda: without this the moment would stay "sending".
      await schedulePublish(momentId, new Date(now.getTime() + RETRY_MS)).catch(() => undefined);
      throw error;
    }
  }
}
