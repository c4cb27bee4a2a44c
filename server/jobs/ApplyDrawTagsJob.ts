import { applyOwedTags } from "../commands/drawTagger.ts";
import { CronJob } from "./BaseJob.ts";

/** Tags owed by lucky draws (on taking part / on winning), applied through WeCom off the draw's hot path. */
export class ApplyDrawTagsJob extends CronJob {
  readonly interval = "1 minute";

  /**
   * @returns how many tag tasks were done and failed.
   */
  async perform(): Promise<Record<string, unknown>> {
    return applyOwedTags({ wecom: this.context.wecom });
  }
}
