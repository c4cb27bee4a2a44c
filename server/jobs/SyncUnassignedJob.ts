import unassignedSync from "../commands/unassignedSync.ts";
import { CronJob } from "./BaseJob.ts";

/** Daily: departed guides' customers waiting for a takeover guide (离职继承's 待分配). */
export class SyncUnassignedJob extends CronJob {
  // 02:30 China time, after the night's directory changes.
  readonly interval = "30 18 * * *";

  /**
   * @returns how many customers WeCom listed and how many left the list.
   */
  async perform(): Promise<Record<string, unknown>> {
    return await unassignedSync({ wecom: this.context.wecom, now: this.context.now() });
  }
}
