import sendTaskDigests from "../commands/taskDigest.ts";
import { CronJob } from "./BaseJob.ts";

/** Each morning: every guide with open tasks gets one app message with their counts (任务提醒). */
export class SendTaskDigestJob extends CronJob {
  // 08:30 China time, and again at 08:45 for any guide the first run could not reach (the
  // day's unique key keeps it to one message per guide).
  readonly interval = "30,45 0 * * *";

  /**
   * @returns how many guides were sent their digest, already had it, or could not be reached.
   */
  async perform(): Promise<Record<string, unknown>> {
    const origin = (this.context.publicUrl ?? "http://localhost:3000").replace(/\/$/, "");
    return { ...(await sendTaskDigests({ wecom: this.context.wecom, agentId: this.context.agentId, url: `${origin}/sidebar/tasks`, now: this.context.now() })) };
  }
}
