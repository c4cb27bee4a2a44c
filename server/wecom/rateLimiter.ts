// WeCom limits every API per corp: 10,000 calls a minute and 150,000 an hour (wecom-reference
// §3.3), whichever process makes them. Bulk work (a mass-message dispatch, a sync loop) must stay
// under that without starving a guide's sidebar, a welcome message or a login, so:
// - the count is shared: one counter document per API per window in the database, grown by one
//   exact-key increment per batch of calls (a process reserves several calls at a time);
// - bulk calls may use only a share of each window (WECOM_BULK_SHARE) and wait for the next window
//   when it is spent; interactive calls are counted but never wait;
// - 45009 (frequency limit) shuts the API to bulk calls for the rest of the window, in every
//   process; 45033 (concurrency limit) halves this process's parallel bulk calls for that API,
//   which then grow back one at a time as calls succeed.
import { setTimeout as sleep } from "node:timers/promises";

/** The counters of one API in one window. */
export interface RateWindowCounts {
  /** Every call counted, bulk and interactive. */
  total: number;
  /** Bulk calls counted (and, once blocked, a number past any limit). */
  bulk: number;
}

/** Where the windows' counters live so that every process sees the same ones. */
export interface RateWindowStore {
  /**
   * Add to a window's counters, creating the window.
   *
   * @param key the API and window ("/cgi-bin/…|60000|29345678").
   * @param add what to add to each counter.
   * @param expiresAt when the window's document may be dropped.
   * @returns the counters after the addition.
   */
  add(key: string, add: RateWindowCounts, expiresAt: Date): Promise<RateWindowCounts>;
  /**
   * Shut a window to bulk calls: its bulk counter becomes at least `floor`.
   *
   * @param key the API and window.
   * @param floor a number past any limit.
   * @param expiresAt when the window's document may be dropped.
   */
  block(key: string, floor: number, expiresAt: Date): Promise<void>;
}

/** A fixed window: calls per `ms`, aligned to the epoch. */
export interface RateWindow {
  ms: number;
  limit: number;
}

export interface RateLimiterOptions {
  /** Calls per API per minute (WECOM_RATE_PER_MINUTE, WeCom's default 10,000). */
  perMinute: number;
  /** Calls per API per hour (WECOM_RATE_PER_HOUR, WeCom's default 150,000). */
  perHour: number;
  /** The part of each window bulk calls may use, 0–1 (WECOM_BULK_SHARE, default 0.8); the rest is kept for interactive calls. */
  bulkShare: number;
  store: RateWindowStore;
  /** Other windows than a minute and an hour (tests use short ones). */
  windows?: RateWindow[];
  /** Calls reserved per database round trip; default a 100th of the smallest window's bulk budget, 1–500. */
  batch?: number;
  /** Parallel bulk calls per API in this process before any 45033; default 16. */
  maxConcurrency?: number;
  /** Clock in ms; default Date.now. */
  now?: () => number;
}

/** One bulk call's permission; say how it went so the limiter learns from 45033 (45009 is {@link WeComRateLimiter.block}). */
export interface RateLease {
  /** @param errcode WeCom's errcode (0 = fine), or null when WeCom did not answer. */
  release(errcode: number | null): void;
}

/** Calls reserved in the database and not spent yet, good until their windows close. */
interface Grant {
  tokens: number;
  /** When the windows that granted them end (the earliest), less the edge. */
  validUntil: number;
}

interface Gate {
  limit: number;
  active: number;
  successes: number;
  waiting: (() => void)[];
}

// Past any limit, so a blocked window grants nothing, yet far from overflowing a double.
const BLOCKED = 1e12;
// A window's document outlives the window a little, for whoever reads counters after the fact.
const KEEP_AFTER_MS = 3_600_000;
// Spread the processes that wake at a window's start over a few milliseconds.
const WAKE_JITTER_MS = 25;
// A call sent at a window's very end reaches WeCom in the next one; stop using a window's calls
// a moment before it ends (0.2% of it, 20–250 ms).
const edgeOf = (ms: number) => Math.min(250, Math.max(20, ms * 0.002));

/** The shared per-API limiter behind `wecom.get/post(…, { priority })`. */
export class WeComRateLimiter {
  readonly windows: (RateWindow & { bulkLimit: number })[];
  private readonly store: RateWindowStore;
  private readonly batch: number;
  private readonly maxConcurrency: number;
  private readonly now: () => number;
  private readonly grants = new Map<string, Grant[]>();
  private readonly refills = new Map<string, Promise<void>>();
  private readonly gates = new Map<string, Gate>();
  /** Interactive calls not yet written, by window key, with the window's end. */
  private readonly uncounted = new Map<string, { count: number; end: number }>();
  private readonly flushDelayMs: number;
  private flushing: Promise<void> | null = null;

  /** @param options limits, share, store, and tuning. */
  constructor(options: RateLimiterOptions) {
    const windows = options.windows ?? [
      { ms: 60_000, limit: options.perMinute },
      { ms: 3_600_000, limit: options.perHour },
    ];
    this.windows = windows.map((window) => ({ ...window, bulkLimit: Math.max(1, Math.floor(window.limit * options.bulkShare)) }));
    this.store = options.store;
    const smallest = Math.min(...this.windows.map((window) => window.bulkLimit));
    this.batch = options.batch ?? Math.min(500, Math.max(1, Math.floor(smallest / 100)));
    this.maxConcurrency = options.maxConcurrency ?? 16;
    this.now = options.now ?? Date.now;
    this.flushDelayMs = Math.min(250, Math.min(...this.windows.map((window) => window.ms)) / 100);
  }

  /**
   * Wait for a bulk call's turn: a slot among this process's parallel calls, then a call the
   * windows still allow.
   *
   * @param api the API path.
   * @returns the lease to release when WeCom has answered.
   */
  async acquire(api: string): Promise<RateLease> {
    const gate = this.gate(api);
    await this.enter(gate);
    try {
      await this.token(api);
    } catch (error) {
      this.leave(gate);
      throw error;
    }
    let released = false;
    return {
      release: (errcode) => {
        if (released) {
          return;
        }
        released = true;
        if (errcode === 45033) {
          gate.limit = Math.max(1, Math.floor(gate.limit / 2));
          gate.successes = 0;
        } else if (errcode === 0) {
          // Additive increase: back towards the ceiling after a run of good answers.
          gate.successes += 1;
          if (gate.limit < this.maxConcurrency && gate.successes >= gate.limit * 4) {
            gate.limit += 1;
            gate.successes = 0;
          }
        }
        this.leave(gate);
      },
    };
  }

  /**
   * Count an interactive call; it never waits. Counts are written in the background, coalesced
   * over a short delay (a 100th of the shortest window, at most 250 ms).
   *
   * @param api the API path.
   */
  countInteractive(api: string): void {
    const now = this.now();
    // Keyed by the window the call was made in, so a count written a moment later lands there.
    for (const window of this.windows) {
      const { key, end } = this.slot(api, window, now);
      const held = this.uncounted.get(key);
      if (held) {
        held.count += 1;
      } else {
        this.uncounted.set(key, { count: 1, end });
      }
    }
    this.flushing ??= this.flush().finally(() => {
      this.flushing = null;
    });
  }

  /** This process's current parallel-call ceiling for an API (for tests and logs). */
  concurrencyOf(api: string): number {
    return this.gate(api).limit;
  }

  /**
   * Shut the API's shortest window to bulk calls, in every process, until it ends (WeCom said 45009).
   *
   * @param api the API path.
   */
  async block(api: string): Promise<void> {
    this.grants.delete(api);
    const [window] = [...this.windows].sort((a, b) => a.ms - b.ms);
    if (window) {
      const { key, end } = this.slot(api, window, this.now());
      await this.store.block(key, BLOCKED, new Date(end + KEEP_AFTER_MS)).catch(() => undefined);
    }
  }

  private slot(api: string, window: RateWindow, now: number): { key: string; end: number } {
    const index = Math.floor(now / window.ms);
    return { key: `${api}|${window.ms}|${index}`, end: (index + 1) * window.ms };
  }

  private async token(api: string): Promise<void> {
    for (;;) {
      const now = this.now();
      const grants = (this.grants.get(api) ?? []).filter((grant) => grant.tokens > 0 && now < grant.validUntil);
      this.grants.set(api, grants);
      const grant = grants[0];
      if (grant) {
        grant.tokens -= 1;
        // Reserve the next batch while this one is spent, so a burst never stops for the database.
        if (grants.reduce((sum, one) => sum + one.tokens, 0) < this.batch / 2 && !this.refills.has(api)) {
          void this.refilling(api).catch(() => undefined);
        }
        return;
      }
      await this.refilling(api);
    }
  }

  /** One reservation per API at a time; everyone else waits for it, then looks again. */
  private refilling(api: string): Promise<void> {
    let refill = this.refills.get(api);
    if (!refill) {
      refill = this.refill(api).finally(() => this.refills.delete(api));
      this.refills.set(api, refill);
    }
    return refill;
  }

  /** Reserve a batch from every window at once; sleep to the end of a window that has none left. */
  private async refill(api: string): Promise<void> {
    const now = this.now();
    const closing = this.windows.map((window) => this.slot(api, window, now).end).find((end, index) => now >= end - edgeOf(this.windows[index]?.ms ?? 0));
    if (closing !== undefined) {
      await sleep(Math.max(0, closing - now) + Math.random() * WAKE_JITTER_MS);
      return;
    }
    const asked = this.batch;
    const answers = await Promise.all(
      this.windows.map(async (window) => {
        const { key, end } = this.slot(api, window, now);
        const after = await this.store.add(key, { total: asked, bulk: asked }, new Date(end + KEEP_AFTER_MS));
        const granted = Math.max(0, Math.min(asked, window.bulkLimit - (after.bulk - asked), window.limit - (after.total - asked)));
        return { granted, end, validUntil: end - edgeOf(window.ms) };
      }),
    );
    // What one window granted beyond another's grant stays counted, unused: at most a batch, and
    // only when a window is nearly spent.
    const granted = Math.min(...answers.map((answer) => answer.granted));
    if (granted === 0) {
      const end = Math.max(...answers.filter((answer) => answer.granted === 0).map((answer) => answer.end));
      await sleep(Math.max(0, end - this.now()) + Math.random() * WAKE_JITTER_MS);
      return;
    }
    this.grants.set(api, [...(this.grants.get(api) ?? []), { tokens: granted, validUntil: Math.min(...answers.map((answer) => answer.validUntil)) }]);
  }

  // A busy process writes its interactive counts a few times a second, not a round trip per call
  // (a burst of adds makes two WeCom calls each): bulk calls read the totals at their next batch.
  private async flush(): Promise<void> {
    while (this.uncounted.size > 0) {
      await sleep(this.flushDelayMs);
      const counts = [...this.uncounted];
      this.uncounted.clear();
      await Promise.all(
        // Counting is best effort: a lost count must not fail the call it counted.
        counts.map(([key, { count, end }]) => this.store.add(key, { total: count, bulk: 0 }, new Date(end + KEEP_AFTER_MS)).catch(() => undefined)),
      );
    }
  }

  private gate(api: string): Gate {
    let gate = this.gates.get(api);
    if (!gate) {
      gate = { limit: this.maxConcurrency, active: 0, successes: 0, waiting: [] };
      this.gates.set(api, gate);
    }
    return gate;
  }

  private async enter(gate: Gate): Promise<void> {
    while (gate.active >= gate.limit) {
      await new Promise<void>((resolve) => gate.waiting.push(resolve));
    }
    gate.active += 1;
  }

  private leave(gate: Gate): void {
    gate.active -= 1;
    // Wake as many as the (possibly changed) ceiling now admits.
    for (let free = gate.limit - gate.active; free > 0 && gate.waiting.length > 0; free--) {
      gate.waiting.shift()?.();
    }
  }
}
