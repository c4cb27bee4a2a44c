import { cancelOneOffJob, setOneOffJob } from "./oneOffJobs.ts";

/** server/jobs/DispatchMassMessageJob.ts: plans at the send time, then dispatches (and resumes). */
export const DISPATCH_MASS_JOB = "DispatchMassMessageJob";
/** server/jobs/SyncMassMessageJob.ts: who sent and to whom it was delivered, on a tapering schedule. */
export const SYNC_MASS_JOB = "SyncMassMessageJob";

/**
 * @param massMessageId the campaign.
 * @param at when to plan or go on dispatching.
 */
export const scheduleMassDispatch = (massMessageId: string, at: Date): Promise<void> => setOneOffJob(DISPATCH_MASS_JOB, { massMessageId }, at);

/**
 * @param massMessageId the campaign.
 * @param at the next sync.
 */
export const scheduleMassSync = (massMessageId: string, at: Date): Promise<void> => setOneOffJob(SYNC_MASS_JOB, { massMessageId }, at);

/**
 * Remove a campaign's dispatch job (cancelled, deleted); its sync goes on for what was already created.
 *
 * @param massMessageId the campaign.
 */
export const cancelMassDispatch = (massMessageId: string): Promise<void> => cancelOneOffJob(DISPATCH_MASS_JOB, { massMessageId });
