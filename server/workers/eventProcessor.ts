import crypto from "node:crypto";
import type { Types } from "mongoose";
import { WeComApiError } from "../errors.ts";
import { getLogger, type Logger } from "../logging/logger.ts";
import { Event, type EventAttrs, type EventStatus } from "../models/Event.ts";
import { handlerFor, isPermanentError, type HandlerContext } from "./eventHandlers.ts";

export interface EventProcessorOptions {
  context: HandlerContext;
  /** Attempts before an event is kept as failed. */
  maxAttempts: number;
  /** How long a claim is exclusive; a crashed worker's claims are taken over after it. */
  leaseMs?: number;
  /** Idle wait between polls when nothing is due and nobody kicked. */
  pollMs?: number;
  /** Lanes worked in parallel. */
  concurrency?: number;
  /** Lane heads read per poll. */
  batchSize?: number;
  /** Delay before attempt n+1 after n failed attempts. */
  backoffMs?: (attempts: number) => number;
  workerId?: string;
}

type StoredEvent = EventAttrs & { _id: Types.ObjectId };

const UNFINISHED: EventStatus[] = ["pending", "processing"];

const defaultBackoff = (attempts: number) => Math.min(5 * 60_000, 2_000 * 2 ** (attempts - 1));

/**
 * Works through stored events. Several processes can share one database: an event is claimed
 * with an atomic conditional update that sets a lease, so each is handled once; events of one
 * lane (customer, group, ...) are handled in order because a lane's event is claimed only when
 * no earlier event of that lane is unfinished.
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

  /** Start polling in the background. */
  start(): void {
    if (this.running) {
      return;
    }
    this.running = true;
    this.loop = this.run();
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
   * @returns how many events were handled.
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
   * Claim and handle the head event of up to `batchSize` lanes.
   *
   * @returns how many events were claimed and handled.
   */
  async runOnce(): Promise<number> {
    const heads = await this.laneHeads();
    let handled = 0;
    const queue = [...heads];
    const workers = Array.from({ length: Math.min(this.options.concurrency ?? 8, queue.length) }, async () => {
      for (let head = queue.shift(); head; head = queue.shift()) {
        if (await this.processHead(head)) {
          handled += 1;
        }
      }
    });
    await Promise.all(workers);
    return handled;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let handled = 0;
      try {
        this.kicked = false;
        handled = await this.runOnce();
      } catch (error) {
        this.logger.error({ err: error }, "event poll failed");
      }
      if (handled === 0 && this.running && !this.kicked) {
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
  }

  private async laneHeads(): Promise<StoredEvent[]> {
    const now = this.options.context.now();
    const heads = await Event.aggregate<{ _id: string; head: StoredEvent }>([
      { $match: dueFilter(now) },
      { $sort: { createTime: 1, _id: 1 } },
      { $group: { _id: "$orderKey", head: { $first: "$$ROOT" } } },
      { $limit: this.options.batchSize ?? 50 },
    ]);
    return heads.map((lane) => lane.head);
  }

  private async processHead(head: StoredEvent): Promise<boolean> {
    const earlier = await Event.exists({
      orderKey: head.orderKey,
      status: { $in: UNFINISHED },
      $or: [{ createTime: { $lt: head.createTime } }, { createTime: head.createTime, _id: { $lt: head._id } }],
    });
    if (earlier) {
      return false;
    }
    const now = this.options.context.now();
    const claimed = await Event.findOneAndUpdate(
      { _id: head._id, ...dueFilter(now) },
      {
        $set: {
          status: "processing",
          leaseOwner: this.workerId,
          leaseUntil: new Date(now.getTime() + (this.options.leaseMs ?? 60_000)),
        },
        $inc: { attempts: 1 },
      },
      { new: true, lean: true },
    );
    if (!claimed) {
      return false;
    }
    await this.handle(claimed as StoredEvent);
    return true;
  }

  private async handle(event: StoredEvent): Promise<void> {
    const log = this.logger.child({ eventId: String(event._id), type: event.type, changeType: event.changeType });
    const handler = handlerFor(event.type, event.changeType);
    const mine = { _id: event._id, leaseOwner: this.workerId };
    if (!handler) {
      await Event.updateOne(mine, { $set: { status: "ignored", leaseOwner: null, leaseUntil: null } });
      return;
    }
    try {
      await handler(event, this.options.context);
      await Event.updateOne(mine, {
        $set: { status: "done", processedAt: this.options.context.now(), leaseOwner: null, leaseUntil: null },
      });
      log.debug({ attempt: event.attempts }, "event handled");
    } catch (error) {
      await this.recordFailure(event, error, log);
    }
  }

  private async recordFailure(event: StoredEvent, error: unknown, log: Logger): Promise<void> {
    const attempts = event.attempts ?? 1;
    const final = attempts >= this.options.maxAttempts || isPermanentError(error);
    const now = this.options.context.now();
    const lastError = {
      message: error instanceof Error ? error.message : String(error),
      errcode: error instanceof WeComApiError ? error.errcode : null,
      path: error instanceof WeComApiError ? error.path : null,
      at: now,
      attempt: attempts,
    };
    const backoff = (this.options.backoffMs ?? defaultBackoff)(attempts);
    await Event.updateOne(
      { _id: event._id, leaseOwner: this.workerId },
      {
        $set: {
          status: final ? "failed" : "pending",
          nextAttemptAt: final ? now : new Date(now.getTime() + backoff),
          leaseOwner: null,
          leaseUntil: null,
          lastError,
        },
      },
    );
    const line = { attempt: attempts, final, errcode: lastError.errcode, err: lastError.message };
    if (final) {
      log.error(line, "event failed; kept with its error");
    } else {
      log.warn({ ...line, retryInMs: backoff }, "event failed; will retry");
    }
  }
}

function dueFilter(now: Date) {
  return {
    $or: [
      { status: "pending" as const, nextAttemptAt: { $lte: now } },
      { status: "processing" as const, leaseUntil: { $lt: now } },
    ],
  };
}
