import { autoTagMembers } from "../commands/autoTagger.ts";
import { currentProgram } from "../commands/programStore.ts";
import { CronJob } from "./BaseJob.ts";

/** Nightly: level and RFM tag rules over all members with WeCom customers (RFM moves with time). */
export class ApplyTagRulesJob extends CronJob {
  // 04:00 China time, after EvaluateLevelsJob has settled levels.
  readonly interval = "0 20 * * *";

  /**
   * @returns how many tags were applied.
   */
  async perform(): Promise<Record<string, unknown>> {
    const { program } = await currentProgram();
    const applied = await autoTagMembers({ wecom: this.context.wecom, program, now: this.context.now() });
    return { applied };
  }
}
