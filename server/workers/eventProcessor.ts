import crypto from "node:crypto";
import type { Types } from "mongoose";
import { WeComApiError } from "../errors.ts";
import { getLogger, type Logger } from "../logging/logger.ts";
import { Event, type EventAttrs } from "../models/Event.ts";
import { EventLane, type EventLaneAttrs } from "../models/EventLane.ts";
import { handlerFor, isPermanentError, type HandlerContext } from "./eventHandlers.ts";
import { isDuplicateKeyError } from "../db/duplicates.ts";

export interface EventProcessorOptions {
  context: HandlerContext;
  /** Attempts before an event is kept as failed. */
  maxAttempts: number;
  /** How long a lane claim is exclusive; a crashed worker's lanes are taken over after it. */
  leaseMs?: number;
  /** Idle wait between polls when nothing is due and nobody kicked. */
  pollMs?: number;
  /** Lanes worked in parallel. */
  concurrency?: number;
  /** Events handled per lane claim before the lane goes back to the pool (fairness). */
  eventsPerClaim?: number;
  /** Delay before attempt n+1 after n failed attempts. */
  backoffMs?: (attempts: number) => number;
  workerId?: string;
}

type Lane = EventLaneAttrs & { _id: string };
type LaneEntry = Lane["pending"][number];
type StoredEvent = EventAttrs & { _id: Types.ObjectId };

const defaultBackoff = (attempts: number) => Math.min(5 * 60_000, 2_000 * 2 ** (attempts - 1));

/**
 * Works through stored events lane by lane. A worker leases a whole lane with an atomic
 * conditional update, so several processes can share one database, each event is handled once,
 * and the events of one customer or group are handled in WeCom's order. A lane whose head event
 * failed waits for that event's retry; events of other lanes go on.
 */
export class EventProcessor {
  readonly workerId: string;
  private readonly logger: Logger;
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private kicked = false;

  /**
   * @param options handler context, attempts, lease and pacing.
   */
  constructor(private readonly options: EventProcessorOptions) {
    this.workerId = options.workerId ?? `${process.pid}-${crypto.randomBytes(4).toString("hex")}`;
    this.logger = getLogger("processor", { workerId: this.workerId });
  }

  /** Queue events that are unfinished but on no lane (stored by a process that died before queueing them), then poll. */
  start(): void {
    if (this.running) {
      return;
    }
    this.running = true;
    this.loop = this.requeueOrphans().then(() => this.run());
  }

  /**
   * Stop polling and wait for the events in hand to finish.
   *
   * @returns when the loop has ended.
   */
  async stop(): Promise<void> {
    this.running = false;
    this.kick();
    await this.loop;
    this.loop = null;
  }

  /** Look for work now instead of at the next poll (called after a callback is stored). */
  kick(): void {
    this.kicked = true;
    this.wake?.();
  }

  /**
   * Process until nothing is due: for tests and scripts that want a settled database.
   *
   * @returns how many attempts were made.
   */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const handled = await this.runOnce();
      if (handled === 0) {
        return total;
      }
      total += handled;
    }
  }

  /**
   * Claim due lanes and work them.
   *
   * @returns how many attempts were made.
   */
  async runOnce(): Promise<number> {
    const now = this.options.context.now();
    const lanes = await EventLane.find(claimableFilter(now), { _id: 1 })
      .sort(OLDEST_DUE_FIRST)
      .limit((this.options.concurrency ?? 8) * 4)
      .lean();
    const queue = lanes.map((lane) => lane._id);
    let handled = 0;
    const workers = Array.from({ length: Math.min(this.options.concurrency ?? 8, queue.length) }, async () => {
      for (let laneId = queue.shift(); laneId; laneId = queue.shift()) {
        const attempts = await this.workLane(laneId);
        handled += attempts;
      }
    });
    await Promise.all(workers);
    return handled;
  }

  /**
   * Find events left unfinished with no lane entry and queue them. Normally there are none: a
   * delivery is acknowledged only once queued, and WeCom retries what was not acknowledged.
   *
   * @returns how many events were re-queued.
   */
  async requeueOrphans(): Promise<number> {
    const unfinished = await Event.find({ status: { $in: ["pending", "processing"] } }, { orderKey: 1, createTime: 1 }).lean();
    let requeued = 0;
    for (const event of unfinished) {
      const result = await EventLane.updateOne(
        { _id: event.orderKey, "pending.id": { $ne: event._id } },
        { $push: { pending: { id: event._id, t: event.createTime } }, $setOnInsert: { due: new Date(0), leaseOwner: null, leaseUntil: null } },
        { upsert: true },
      ).catch((error: unknown) => {
        // The lane exists and already holds the event: the upsert's insert collided.
        if (isDuplicateKeyError(error)) {
          return { modifiedCount: 0, upsertedCount: 0 };
        }
        throw error;
      });
      requeued += result.modifiedCount + result.upsertedCount;
    }
    if (requeued > 0) {
      this.logger.warn({ requeued }, "re-queued unfinished events that were on no lane");
    }
    return requeued;
  }

  // A rolling pool, not rounds: a lane is claimed as soon as a slot is free or an event is stored,
  // so a fresh add never waits for a busy lane elsewhere (a flooded group) to finish its claim.
  private async run(): Promise<void> {
    const concurrency = this.options.concurrency ?? 8;
    const working = new Map<string, Promise<void>>();
    while (this.running) {
      let claimed = 0;
      try {
        this.kicked = false;
        if (working.size < concurrency) {
          const lanes = await EventLane.find(claimableFilter(this.options.context.now()), { _id: 1 })
            .sort(OLDEST_DUE_FIRST)
            .limit(concurrency * 4)
            .lean();
          for (const { _id: laneId } of lanes) {
            if (working.size >= concurrency) {
              break;
            }
            if (working.has(laneId)) {
              continue;
            }
            claimed += 1;
            const work = this.workLane(laneId)
              .then(() => undefined, (error: unknown) => this.logger.error({ err: error, laneId }, "lane failed"))
              .finally(() => {
                working.delete(laneId);
                this.kick();
              });
            working.set(laneId, work);
          }
        }
      } catch (error) {
        this.logger.error({ err: error }, "event poll failed");
      }
      if (claimed === 0 && this.running && !this.kicked) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.options.pollMs ?? 1000);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wake = null;
      }
    }
    await Promise.all(working.values());
  }

  private leaseUntil(now: Date): Date {
    return new Date(now.getTime() + (this.options.leaseMs ?? 60_000));
  }

  // The lane is read once per batch, not once per event: a flooded lane holds thousands of
  // entries, and decoding them after every event made its worker slower the longer its backlog
  // (and the one process's other lanes with it). Handled ids are pulled together; one that is
  // handled but not yet pulled when a process dies is skipped on the next claim (it is done).
  private async workLane(laneId: string): Promise<number> {
    const now = this.options.context.now();
    let lane = (await EventLane.findOneAndUpdate(
      { _id: laneId, ...claimableFilter(now) },
      { $set: { leaseOwner: this.workerId, leaseUntil: this.leaseUntil(now) } },
      { returnDocument: "after", lean: true },
    )) as Lane | null;
    let handled = 0;
    const limit = this.options.eventsPerClaim ?? 50;
    let renewedAt = now.getTime();
    while (lane) {
      if (lane.pending.length === 0) {
        // Delete only if still empty and ours: an event queued meanwhile keeps the lane alive.
        const removed = await EventLane.deleteOne({ _id: laneId, leaseOwner: this.workerId, pending: { $size: 0 } });
        if (removed.deletedCount === 1) {
          return handled;
        }
        lane = (await EventLane.findOne({ _id: laneId, leaseOwner: this.workerId }).lean()) as Lane | null;
        continue;
      }
      if (handled >= limit) {
        await this.release(laneId, this.options.context.now());
        return handled;
      }
      const batch = [...lane.pending].sort((a, b) => (a.t ?? 0) - (b.t ?? 0) || String(a.id).localeCompare(String(b.id))).slice(0, limit - handled);
      const done: LaneEntry[] = [];
      for (const entry of batch) {
        if (!entry.id) {
          continue;
        }
        const outcome = await this.handleEvent(entry.id, this.options.context.now());
        if (outcome.kind === "wait") {
          await this.pullDone(laneId, done);
          await this.release(laneId, outcome.until);
          return handled + (outcome.attempted ? 1 : 0);
        }
        handled += outcome.kind === "handled" ? 1 : 0;
        done.push(entry);
        const at = this.options.context.now().getTime();
        if (at - renewedAt > (this.options.leaseMs ?? 60_000) / 3) {
          renewedAt = at;
          if (!(await this.pullDone(laneId, done.splice(0)))) {
            // The lease lapsed and another worker took the lane over; it carries on from here.
            return handled;
          }
        }
      }
      // Most lanes hold one event (a customer's add): when every entry read was handled and none
      // came meanwhile (same size, and only the lease holder takes entries off), the lane goes in
      // one delete instead of a pull and then a delete.
      if (done.length === lane.pending.length) {
        const removed = await EventLane.deleteOne({ _id: laneId, leaseOwner: this.workerId, pending: { $size: done.length } });
        if (removed.deletedCount === 1) {
          return handled;
        }
      }
      lane = (await EventLane.findOneAndUpdate(
        { _id: laneId, leaseOwner: this.workerId },
        { $pullAll: { pending: done }, $set: { leaseUntil: this.leaseUntil(this.options.context.now()) } },
        { returnDocument: "after", lean: true },
      )) as Lane | null;
    }
    // The lease expired and another worker took the lane over; it carries on from here.
    return handled;
  }

  /** Take handled events off the lane and renew the lease; false when the lane is no longer ours. */
  private async pullDone(laneId: string, done: LaneEntry[]): Promise<boolean> {
    const result = await EventLane.updateOne(
      { _id: laneId, leaseOwner: this.workerId },
      // Whole entries as they were read ($pull with $in on a field is not served by the embedded database).
      { $pullAll: { pending: done }, $set: { leaseUntil: this.leaseUntil(this.options.context.now()) } },
    );
    return result.matchedCount === 1;
  }

  private async release(laneId: string, due: Date): Promise<void> {
    await EventLane.updateOne({ _id: laneId, leaseOwner: this.workerId }, { $set: { due, leaseOwner: null, leaseUntil: null } });
  }

  /** Attempt one event: "handled" and "skipped" take it off the lane, "wait" holds the lane until its retry. */
  private async handleEvent(
    eventId: Types.ObjectId,
    now: Date,
  ): Promise<{ kind: "handled" | "skipped" } | { kind: "wait"; until: Date; attempted: boolean }> {
    // Filters go by _id alone: the lane lease already makes this worker the only one touching
    // the lane's events, and the embedded database uses an index only for a bare unique key.
    // Read and claimed in one round trip (every event pays it, a burst of adds most): the event
    // is marked processing with its attempt counted, and put back as it was in the rare case it
    // turns out not to be ours to run yet (handled already, or waiting for its retry).
    const current = (await Event.collection.findOneAndUpdate(
      { _id: eventId },
      { $set: { status: "processing" }, $inc: { attempts: 1 } },
      { returnDocument: "before" },
    )) as StoredEvent | null;
    if (!current) {
      return { kind: "skipped" };
    }
    const unclaim = () => Event.collection.updateOne({ _id: eventId }, { $set: { status: current.status }, $inc: { attempts: -1 } });
    if (!["pending", "processing"].includes(current.status)) {
      await unclaim();
      return { kind: "skipped" };
    }
    if (current.status === "pending" && current.nextAttemptAt > now) {
      await unclaim();
      return { kind: "wait", until: current.nextAttemptAt, attempted: false };
    }
    const event = { ...current, status: "processing" as const, attempts: (current.attempts ?? 0) + 1 };
    const log = this.logger.child({ eventId: String(event._id), type: event.type, changeType: event.changeType });
    const handler = handlerFor(event.type, event.changeType);
    if (!handler) {
      await Event.updateOne({ _id: event._id }, { $set: { status: "ignored", processedAt: now } });
      return { kind: "handled" };
    }
    try {
      await handler(event, this.options.context);
      await Event.collection.updateOne({ _id: event._id }, { $set: { status: "done", processedAt: this.options.context.now() } });
      log.debug({ attempt: event.attempts }, "event handled");
      return { kind: "handled" };
    } catch (error) {
      return this.recordFailure(event, error, log);
    }
  }

  private async recordFailure(
    event: StoredEvent,
    error: unknown,
    log: Logger,
  ): Promise<{ kind: "handled" } | { kind: "wait"; until: Date; attempted: true }> {
    const attempts = event.attempts ?? 1;
    const final = attempts >= this.options.maxAttempts || isPermanentError(error);
    const now = this.options.context.now();
    const backoff = (this.options.backoffMs ?? defaultBackoff)(attempts);
    const nextAttemptAt = final ? now : new Date(now.getTime() + backoff);
    const lastError = {
      message: error instanceof Error ? error.message : String(error),
      errcode: error instanceof WeComApiError ? error.errcode : null,
      path: error instanceof WeComApiError ? error.path : null,
      at: now,
      attempt: attempts,
    };
    await Event.updateOne({ _id: event._id }, { $set: { status: final ? "failed" : "pending", nextAttemptAt, lastError } });
    const line = { attempt: attempts, final, errcode: lastError.errcode, err: lastError.message };
    if (final) {
      log.error(line, "event failed; kept with its error");
      return { kind: "handled" };
    }
    log.warn({ ...line, retryInMs: backoff }, "event failed; will retry");
    return { kind: "wait", until: nextAttemptAt, attempted: true };
  }
}

// Without an order the database answers lanes in storage order, where a new lane can take a
// removed lane's place: under a steady stream some lanes were passed over for seconds (a
// welcome code lapses after 20). A lane is due from its arrival or its release, so this is FIFO,
// and a flooded lane released after its claim queues behind the adds that came meanwhile.
const OLDEST_DUE_FIRST = { due: 1, _id: 1 } as const;

function claimableFilter(now: Date) {
  return {
    due: { $lte: now },
    $or: [{ leaseOwner: null }, { leaseUntil: { $lt: now } }],
  };
}
