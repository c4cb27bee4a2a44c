import { cancelOneOffJob, setOneOffJob } from "./oneOffJobs.ts";

/** server/jobs/PublishMomentJob.ts: hands a moment to WeCom at its time and follows the task to its result. */
export const PUBLISH_MOMENT_JOB = "PublishMomentJob";
/** server/jobs/SyncMomentJob.ts: reads who published and the likes and comments, on a tapering schedule. */
export const SYNC_MOMENT_JOB = "SyncMomentJob";

/**
 * Set (or move) a moment's one publish job.
 *
 * @param momentId the moment.
 * @param at when it runs.
 */
export const schedulePublish = (momentId: string, at: Date): Promise<void> => setOneOffJob(PUBLISH_MOMENT_JOB, { momentId }, at);

/**
 * Set (or move) a moment's one sync job.
 *
 * @param momentId the moment.
 * @param at when it runs.
 */
export const scheduleSync = (momentId: string, at: Date): Promise<void> => setOneOffJob(SYNC_MOMENT_JOB, { momentId }, at);

/**
 * Remove both of a moment's jobs (deleted or cancelled).
 *
 * @param momentId the moment.
 */
export async function cancelMomentJobs(momentId: string): Promise<void> {
  await cancelOneOffJob(PUBLISH_MOMENT_JOB, { momentId });
  await cancelOneOffJob(SYNC_MOMENT_JOB, { momentId });
}
