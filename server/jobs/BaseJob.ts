import type { WeComClient } from "../wecom/client.ts";

/** What every job may use; time comes from the injected clock so windows are testable. */
export interface JobContext {
  wecom: WeComClient;
  now: () => Date;
  /** The self-built app's agentid, where one is configured: jobs' warnings go out as its app messages. */
  agentId?: string | undefined;
  /** The site's origin (PUBLIC_URL, else this server's own address): links in app messages point there. */
  publicUrl?: string | undefined;
}

/** A unit of background work run by Agenda; the class name is the job name. */
export abstract class BaseJob<Props extends Record<string, unknown> = Record<string, never>> {
  /** Agenda options for this job. */
  readonly options: { concurrency?: number; priority?: number } = {};

  /**
   * @param context clock and clients.
   */
  constructor(protected readonly context: JobContext) {}

  /** The job's name in Agenda. */
  get name(): string {
    return this.constructor.name;
  }

  /**
   * Do the work; must be safe to run twice (a process can die after the work, before Agenda records it).
   *
   * @param props the job's data.
   * @returns a summary for the log.
   */
  abstract perform(props: Props): Promise<Record<string, unknown>>;
}

/** A job Agenda runs on a fixed schedule. */
export abstract class CronJob extends BaseJob {
  /** A cron expression or an interval Agenda understands ("0 3 * * *", "1 day"). */
  abstract readonly interval: string;
}
