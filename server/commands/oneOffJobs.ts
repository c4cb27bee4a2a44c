import { MongoBackend } from "@agendajs/mongo-backend";
import { Agenda } from "agenda";
import type { Db } from "mongodb";
import mongoose from "mongoose";

let producer: { db: Db; agenda: Agenda } | null = null;

// Any process may write a job (an HTTP node with SCHEDULER=0 too); only schedulers run them.
// This Agenda is never started: it only saves and cancels job documents in agenda_jobs.
async function agenda(): Promise<Agenda> {
  const db = mongoose.connection.db as Db | undefined;
  if (!db) {
    throw new Error("oneOffJobs: database not connected");
  }
  if (producer?.db !== db) {
    producer = { db, agenda: new Agenda({ backend: new MongoBackend({ mongo: db, collection: "agenda_jobs" }) }) };
  }
  await producer.agenda.ready;
  return producer.agenda;
}

/**
 * Set the one job of a name for a record (a code, a payout) to run at a moment, replacing any
 * earlier one. A fresh document, not the existing one updated: when a one-off job finishes,
 * Agenda writes its state back with nextRunAt null, which undid a run that set its own next
 * time (a channel code switched once and never again). Removed, the running job's write-back
 * finds nothing and the new one stands.
 *
 * @param name the job's name.
 * @param data the job's data, which names its record (one job per name and data).
 * @param at when it runs.
 */
export async function setOneOffJob(name: string, data: Record<string, string>, at: Date): Promise<void> {
  const jobs = await agenda();
  await jobs.cancel({ name, data });
  const unique = Object.fromEntries([["name", name], ...Object.entries(data).map(([key, value]) => [`data.${key}`, value])]);
  await jobs.create(name, data).unique(unique).schedule(at).save();
}

/**
 * Remove the job of a name for a record.
 *
 * @param name the job's name.
 * @param data the job's data.
 */
export async function cancelOneOffJob(name: string, data: Record<string, string>): Promise<void> {
  const jobs = await agenda();
  await jobs.cancel({ name, data });
}
