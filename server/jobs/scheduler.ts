import { MongoBackend } from "@agendajs/mongo-backend";
import { Agenda } from "agenda";
import type { Db } from "mongodb";
import { getLogger } from "../logging/logger.ts";
import { CronJob, type BaseJob, type JobContext } from "./BaseJob.ts";
import { ApplyDrawTagsJob } from "./ApplyDrawTagsJob.ts";
import { ApplyTagRulesJob } from "./ApplyTagRulesJob.ts";
import { DispatchMassMessageJob } from "./DispatchMassMessageJob.ts";
import { EvaluateLevelsJob } from "./EvaluateLevelsJob.ts";
import { ExpirePointsJob } from "./ExpirePointsJob.ts";
import { GenerateTasksJob } from "./GenerateTasksJob.ts";
import { ReconcileBalancesJob } from "./ReconcileBalancesJob.ts";
import { RepropagateCompletionJob } from "./RepropagateCompletionJob.ts";
import { SendTaskDigestJob } from "./SendTaskDigestJob.ts";
import { PollTransfersJob } from "./PollTransfersJob.ts";
import { PublishMomentJob } from "./PublishMomentJob.ts";
import { RotateFunnelsJob } from "./RotateFunnelsJob.ts";
import { SwitchChannelCodeJob } from "./SwitchChannelCodeJob.ts";
import { SyncCustomerTransferJob } from "./SyncCustomerTransferJob.ts";
import { SyncMassMessageJob } from "./SyncMassMessageJob.ts";
import { SyncMomentJob } from "./SyncMomentJob.ts";
import { SyncUnassignedJob } from "./SyncUnassignedJob.ts";

/** Every job class; adding one here is all it takes to schedule it. */
const JOBS = [ExpirePointsJob, ReconcileBalancesJob, EvaluateLevelsJob, ApplyTagRulesJob, RotateFunnelsJob, SwitchChannelCodeJob, ApplyDrawTagsJob, PollTransfersJob, PublishMomentJob, SyncMomentJob, DispatchMassMessageJob, SyncMassMessageJob, SyncUnassignedJob, SyncCustomerTransferJob, SendTaskDigestJob, RepropagateCompletionJob, GenerateTasksJob];

export interface Scheduler {
  agenda: Agenda;
  jobs: BaseJob<Record<string, unknown>>[];
  /** Let running jobs finish (up to 30 s), then stop taking new ones. */
  stop(): Promise<void>;
  /** Run a job now through Agenda (an operator's "run now", and tests); resolves when it has finished. */
  runNow(name: string): Promise<void>;
}

/**
 * Create Agenda on the application's database (jobs are locked in MongoDB, so several
 * processes can run the scheduler) and define every job, logging start, result and failure.
 *
 * @param db the database mongoose is connected to.
 * @param context clock and clients for the jobs.
 * @param options processEvery for tests; start: false to define without processing.
 * @returns the scheduler.
 */
export async function startScheduler(db: Db, context: JobContext, options: { processEvery?: string | number; start?: boolean } = {}): Promise<Scheduler> {
  const log = getLogger("job");
  const agenda = new Agenda({ backend: new MongoBackend({ mongo: db, collection: "agenda_jobs" }), processEvery: options.processEvery ?? "30 seconds" });
  const jobs = JOBS.map((Job) => new Job(context) as BaseJob<Record<string, unknown>>);
  for (const job of jobs) {
    agenda.define(
      job.name,
      async (run) => {
        const started = Date.now();
        const attempt = (run.attrs.failCount ?? 0) + 1;
        log.info({ jobName: job.name, attempt }, "job started");
        try {
          const result = await job.perform((run.attrs.data ?? {}) as Record<string, unknown>);
          log.info({ jobName: job.name, attempt, ms: Date.now() - started, ...result }, "job finished");
        } catch (error) {
          log.error({ jobName: job.name, attempt, err: error }, "job failed");
          throw error;
        }
      },
      job.options,
    );
  }
  agenda.on("error", (error: Error) => log.error({ err: error }, "scheduler error"));
  if (options.start !== false) {
    await agenda.start();
    for (const job of jobs) {
      if (job instanceof CronJob) {
        await agenda.every(job.interval, job.name, undefined, { timezone: "UTC" });
      }
    }
  }
  return {
    agenda,
    jobs,
    async stop() {
      await agenda.drain({ timeout: 30_000 });
    },
    async runNow(name) {
      const finished = new Promise<void>((resolve, reject) => {
        const onComplete = () => {
          agenda.off(`fail:${name}`, onFail);
          // Agenda announces completion before it drops the job from its running list.
          setTimeout(resolve, 0);
        };
        const onFail = (error: Error) => {
          agenda.off(`complete:${name}`, onComplete);
          reject(error);
        };
        agenda.once(`complete:${name}`, onComplete);
        agenda.once(`fail:${name}`, onFail);
      });
      await agenda.now(name);
      await finished;
    },
  };
}
