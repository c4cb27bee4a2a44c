import { repropagateDay } from "../commands/completionRollup.ts";
import { chinaDate } from "../domain/chinaTime.ts";
import { CronJob } from "./BaseJob.ts";

/**
 * The safety net behind countCompletion: a process that died after moving a guide's day and
 * before carrying it up to the store, region and company left those levels behind. Every half
 * hour today's and yesterday's days (China time) are carried up again; a level already up to date
 * is skipped, so the sweep changes nothing else.
 */
export class RepropagateCompletionJob extends CronJob {
  readonly interval = "*/30 * * * *";

  /**
   * @returns how many store, region and company days took a newer snapshot.
   */
  async perform(): Promise<Record<string, unknown>> {
    const now = this.context.now();
    const days = [chinaDate(new Date(now.getTime() - 86_400_000)), chinaDate(now)];
    let repaired = 0;
    for (const day of days) {
      repaired += await repropagateDay(day);
    }
    return { days, repaired };
  }
}
