import { expireLevels } from "../commands/levelEvaluator.ts";
import { currentProgram } from "../commands/programStore.ts";
import { CronJob } from "./BaseJob.ts";

/** Daily: members whose level validity has passed keep, lose one, or re-earn their level. */
export class EvaluateLevelsJob extends CronJob {
  // 03:00 China time: after the day's orders, before stores open.
  readonly interval = "0 19 * * *";

  /**
   * @returns how many members changed level and how many were renewed.
   */
  async perform(): Promise<Record<string, unknown>> {
    const { program, version } = await currentProgram();
    const result = await expireLevels(program, this.context.now());
    return { programVersion: version, ...result };
  }
}
