import { cancelOneOffJob, setOneOffJob } from "./oneOffJobs.ts";

/** The Agenda job (server/jobs/SwitchChannelCodeJob.ts) that re-applies a code's schedule. */
export const SWITCH_JOB = "SwitchChannelCodeJob";

/**
 * Set the one switch job of a code to run at a moment (replacing any earlier one).
 *
 * @param codeId the code.
 * @param at its next slot boundary.
 */
export async function scheduleSwitch(codeId: string, at: Date): Promise<void> {
  await setOneOffJob(SWITCH_JOB, { codeId }, at);
}

/**
 * Remove a code's switch job (the code is deleted).
 *
 * @param codeId the code.
 */
export async function cancelSwitch(codeId: string): Promise<void> {
  await cancelOneOffJob(SWITCH_JOB, { codeId });
}
