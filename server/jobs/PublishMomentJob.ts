import momentPublisher from "../commands/momentPublisher.ts";
import { BaseJob } from "./BaseJob.ts";

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
    return { momentId, ...(await momentPublisher({ wecom: this.context.wecom, momentId, now: this.context.now() })) };
  }
}
