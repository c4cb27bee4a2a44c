import { MongoBackend } from "@agendajs/mongo-backend";
import { Agenda } from "agenda";
import type { Db } from "mongodb";
import mongoose from "mongoose";

/** The Agenda job (server/jobs/SwitchChannelCodeJob.ts) that re-applies a code's schedule. */
export const SWITCH_JOB = "SwitchChannelCodeJob";

let producer: { db: Db; agenda: Agenda } | null = null;

// Any process may write a job (an HTTP node with SCHEDULER=0 too); only schedulers run them.
// This Agenda is never started: it only saves and cancels job documents in agenda_jobs.
async function agenda(): Promise<Agenda> {
  const db = mongoose.connection.db as Db | undefined;
  if (!db) {
    throw new Error("channelCodeTimer: database not connected");
  }
  if (producer?.db !== db) {
    producer = { db, agenda: new Agenda({ backend: new MongoBackend({ mongo: db, collection: "agenda_jobs" }) }) };
  }
  await producer.agenda.ready;
  return producer.agenda;
}

/**
 * Set the one switch job of a code to run at a moment (replacing any earlier one).
 *
 * @param codeId the code.
 * @param at its next slot boundary.
 */
export async function scheduleSwitch(codeId: string, at: Date): Promise<void> {
  const jobs = await agenda();
  await jobs.create(SWITCH_JOB, { codeId }).unique({ name: SWITCH_JOB, "data.codeId": codeId }).schedule(at).save();
}

/**
 * Remove a code's switch job (the code is deleted).
 *
 * @param codeId the code.
 */
export async function cancelSwitch(codeId: string): Promise<void> {
  const jobs = await agenda();
  await jobs.cancel({ name: SWITCH_JOB, data: { codeId } });
}
