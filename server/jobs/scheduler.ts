import { MongoBackend } from "@agendajs/mongo-backend";
import { Agenda } from "agenda";
import type { Db } from "mongodb";
import { getLogger } from "../logging/logger.ts";
import { CronJob, type BaseJob, type JobContext } from "./BaseJob.ts";
import { EvaluateLevelsJob } from "./EvaluateLevelsJob.ts";

/** Every job class; adding one here is all it takes to schedule it. */
const JOBS = [EvaluateLevelsJob];

export interface Scheduler {
  agenda: Agenda;
  jobs: BaseJob<Record<string, unknown>>[];
  /** Let running jobs finish, then stop taking new ones. */
  stop(): Promise<void>;
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
      await agenda.drain();
    },
  };
}
