import { MongoBackend } from "@agendajs/mongo-backend";
import { Agenda } from "agenda";
import type { Db } from "mongodb";
import mongoose from "mongoose";

/** The Agenda job (server/jobs/PollTransfersJob.ts) that advances one payout. */
export const POLL_JOB = "PollTransfersJob";

// Waits between two polls of one payout, by how many polls it has had; the last repeats.
const BACKOFF_MS = [30_000, 60_000, 2 * 60_000, 5 * 60_000, 10 * 60_000, 30 * 60_000, 60 * 60_000];

let producer: { db: Db; agenda: Agenda } | null = null;

// Any process may write a job (an HTTP node with SCHEDULER=0 too); only schedulers run them.
async function agenda(): Promise<Agenda> {
  const db = mongoose.connection.db as Db | undefined;
  if (!db) {
    throw new Error("cashTransferTimer: database not connected");
  }
  if (producer?.db !== db) {
    producer = { db, agenda: new Agenda({ backend: new MongoBackend({ mongo: db, collection: "agenda_jobs" }) }) };
  }
  await producer.agenda.ready;
  return producer.agenda;
}

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
  const jobs = await agenda();
  // A fresh document, not the running one updated: when a one-off job finishes, Agenda writes its
  // state back with nextRunAt null, which would undo a poll set from inside the run. Removed, the
  // running job's write-back finds nothing (Agenda ignores that) and the new poll stands.
  await jobs.cancel({ name: POLL_JOB, data: { winId } });
  await jobs.create(POLL_JOB, { winId }).unique({ name: POLL_JOB, "data.winId": winId }).schedule(at).save();
}
