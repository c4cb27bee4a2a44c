import { expirePoints } from "../commands/pointsExpirer.ts";
import { CronJob } from "./BaseJob.ts";

/** Daily: points past their expiry (program.points.expiryMonths after they were earned) lapse. */
export class ExpirePointsJob extends CronJob {
  // 01:30 China time, before balances are reconciled and levels evaluated.
  readonly interval = "30 17 * * *";

  /**
   * @returns how many members lost points and how many points lapsed.
   */
  async perform(): Promise<Record<string, unknown>> {
    return expirePoints(this.context.now());
  }
}
