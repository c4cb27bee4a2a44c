import { setOneOffJob } from "./oneOffJobs.ts";

/** The Agenda job (server/jobs/PollTransfersJob.ts) that advances one payout. */
export const POLL_JOB = "PollTransfersJob";

// Waits between two polls of one payout, by how many polls it has had; the last repeats.
const BACKOFF_MS = [30_000, 60_000, 2 * 60_000, 5 * 60_000, 10 * 60_000, 30 * 60_000, 60 * 60_000];

/**
 * @param polls how many times the payout was polled so far.
 * @returns how long to wait before the next poll.
 */
export function backoffMs(polls: number): number {
  return BACKOFF_MS[Math.min(polls, BACKOFF_MS.length - 1)] as number;
}

/**
 * Set the one poll job of a payout (replacing any earlier one).
 *
 * @param winId the payout.
 * @param at when to poll.
 */
export async function schedulePoll(winId: string, at: Date): Promise<void> {
  await setOneOffJob(POLL_JOB, { winId }, at);
}
