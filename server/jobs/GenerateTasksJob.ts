import taskGenerator from "../commands/taskGenerator.ts";
import { CronJob } from "./BaseJob.ts";

/** Daily: the guides' tasks found in the members' data (birthdays, silence, repurchase, expiring benefits). */
export class GenerateTasksJob extends CronJob {
  // 06:00 China time (22:00 UTC the day before): after the night's level and points jobs, before
  // the morning digest (08:30) tells guides their counts.
  readonly interval = "0 22 * * *";

  /**
   * @returns members and claims read, tasks made and tasks found made before.
   */
  async perform(): Promise<Record<string, unknown>> {
    return { ...(await taskGenerator({ now: this.context.now() })) };
  }
}
