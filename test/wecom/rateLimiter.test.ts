import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import nock from "nock";
import { mongoRateWindowStore } from "../../server/commands/wecomRateWindows.ts";
import { parseEnv } from "../../server/env.ts";
import { WeComRateWindow } from "../../server/models/WeComRateWindow.ts";
import { WeComClient } from "../../server/wecom/client.ts";
import { WeComRateLimiter, type RateWindow } from "../../server/wecom/rateLimiter.ts";
import { ACCESS_TOKEN, nockToken, wecomApi } from "../support/wecomNock.ts";
import { CONTACT_SECRET, SAMPLE, WECOM_BASE } from "../support/wecomSecrets.ts";

const API = "/cgi-bin/externalcontact/add_msg_template";

/** One "process": its own limiter and client, sharing the database with the others. */
function processWith(windows: RateWindow[], options: { bulkShare?: number; batch?: number; maxConcurrency?: number } = {}): { wecom: WeComClient; limiter: WeComRateLimiter } {
  const limiter = new WeComRateLimiter({ perMinute: 0, perHour: 0, bulkShare: options.bulkShare ?? 1, store: mongoRateWindowStore, windows, ...(options.batch ? { batch: options.batch } : {}), ...(options.maxConcurrency ? { maxConcurrency: options.maxConcurrency } : {}) });
  const wecom = new WeComClient({ baseUrl: WECOM_BASE, corpId: SAMPLE.receiveId, secrets: { contact: CONTACT_SECRET }, retry: { attempts: 3, baseDelayMs: 5, maxDelayMs: 20 }, limiter });
  return { wecom, limiter };
}

/** Every call WeCom (nock) received: when, and which caller it was. */
function recordCalls(path: string, answer: (index: number) => { errcode: number; delayMs?: number } = () => ({ errcode: 0 })): { at: number[]; who: string[]; peak: number } {
  const seen = { at: [] as number[], who: [] as string[], peak: 0 };
  let inFlight = 0;
  wecomApi()
    .post(path)
    .query({ access_token: ACCESS_TOKEN })
    .reply((_uri, body, callback) => {
      const index = seen.at.length;
      seen.at.push(Date.now());
      seen.who.push(String((body as { who?: string }).who ?? ""));
      inFlight += 1;
      seen.peak = Math.max(seen.peak, inFlight);
      const { errcode, delayMs = 0 } = answer(index);
      setTimeout(() => {
        inFlight -= 1;
        callback(null, [200, { errcode, errmsg: errcode === 0 ? "ok" : "limited", msgid: `m${index}` }]);
      }, delayMs);
    })
    .persist();
  return seen;
}

/** Calls per fixed window, by the time WeCom received them. */
function perWindow(at: number[], ms: number): Map<number, number> {
  const counts = new Map<number, number>();
  for (const time of at) {
    const window = Math.floor(time / ms);
    counts.set(window, (counts.get(window) ?? 0) + 1);
  }
  return counts;
}

/** Wait until a window has just begun, so a test's first steps fall inside one window. */
async function windowStart(ms: number): Promise<number> {
  const now = Date.now();
  const next = (Math.floor(now / ms) + 1) * ms;
  await sleep(next - now + 5);
  return next;
}

describe("WeCom rate limiter (shared per-API windows)", function () {
  this.timeout(60_000);

  beforeEach(() => nockToken());
  afterEach(() => nock.cleanAll());

  it("should hold a burst of bulk calls to the limit in every window, and use the window up", async () => {
    const ms = 1000;
    const { wecom } = processWith([{ ms, limit: 20 }], { batch: 4 });
    const calls = recordCalls(API);
    await windowStart(ms);
    const started = Date.now();
    await Promise.all(Array.from({ length: 50 }, (_, index) => wecom.post(API, { who: `a${index}` }, { priority: "bulk" })));
    const counts = [...perWindow(calls.at, ms).values()];
    assert.equal(calls.at.length, 50);
    assert.ok(counts.every((count) => count <= 20), `calls per window: ${counts.join(", ")}`);
    // Two full windows and a part: the limiter holds calls back, it does not waste the window.
    assert.deepEqual(counts, [20, 20, 10]);
    assert.ok(Date.now() - started >= 2 * ms - 50);
  });

  it("should share one budget between two processes", async () => {
    const ms = 1000;
    const first = processWith([{ ms, limit: 20 }], { batch: 3 });
    const second = processWith([{ ms, limit: 20 }], { batch: 3 });
    const calls = recordCalls(API);
    await windowStart(ms);
    await Promise.all([
      ...Array.from({ length: 25 }, (_, index) => first.wecom.post(API, { who: `a${index}` }, { priority: "bulk" })),
      ...Array.from({ length: 25 }, (_, index) => second.wecom.post(API, { who: `b${index}` }, { priority: "bulk" })),
    ]);
    const counts = [...perWindow(calls.at, ms).values()];
    assert.ok(counts.every((count) => count <= 20), `calls per window: ${counts.join(", ")}`);
    assert.equal(calls.at.length, 50);
    assert.ok(calls.who.some((who) => who.startsWith("a")) && calls.who.some((who) => who.startsWith("b")));
    // The windows' documents hold what both counted.
    const windows = await WeComRateWindow.find({ _id: { $regex: `^${API}\\|${ms}\\|` } }).lean();
    assert.ok(windows.every((window) => window.bulk >= 0 && window.expiresAt instanceof Date));
  });

  it("should shut the API to bulk calls in every process for the rest of the window after a 45009, and not to interactive calls", async () => {
    const ms = 2000;
    const first = processWith([{ ms, limit: 100 }], { batch: 1 });
    const second = processWith([{ ms, limit: 100 }], { batch: 1 });
    const calls = recordCalls(API, (index) => ({ errcode: index === 0 ? 45009 : 0 }));
    const start = await windowStart(ms);
    const blocked = first.wecom.post(API, { who: "a0" }, { priority: "bulk" });
    while (calls.at.length === 0) {
      await sleep(5);
    }
    await sleep(50);
    // The other process, in the same window: its bulk call waits for the next window…
    const waiting = second.wecom.post(API, { who: "b0" }, { priority: "bulk" });
    // …while an interactive call goes through at once.
    await second.wecom.post(API, { who: "b-person" });
    const personAt = calls.at[calls.who.indexOf("b-person")] ?? 0;
    assert.ok(personAt < start + ms, "the interactive call was not held back");
    await Promise.all([blocked, waiting]);
    for (const who of ["a0", "b0"]) {
      const times = calls.at.filter((_, index) => calls.who[index] === who);
      assert.ok((times.at(-1) ?? 0) >= start + ms, `${who} was sent again only in the next window`);
    }
    assert.equal(calls.who.filter((who) => who === "a0").length, 2, "the refused call is retried once");
  });

  it("should let interactive calls through while bulk calls wait for their share, and count them", async () => {
    const ms = 1500;
    // Bulk may use half of 10 per window; a person's calls use the rest, and never wait.
    const { wecom } = processWith([{ ms, limit: 10 }], { bulkShare: 0.5, batch: 1 });
    const calls = recordCalls(API);
    const start = await windowStart(ms);
    const bulk = Promise.all(Array.from({ length: 12 }, (_, index) => wecom.post(API, { who: `bulk${index}` }, { priority: "bulk" })));
    await sleep(100);
    const asked = Date.now();
    await Promise.all([1, 2, 3].map((index) => wecom.post(API, { who: `person${index}` })));
    assert.ok(Date.now() - asked < 300, "interactive calls did not queue behind the bulk ones");
    await bulk;
    const windows = new Map<number, { bulk: number; person: number }>();
    calls.at.forEach((time, index) => {
      const window = Math.floor(time / ms);
      const entry = windows.get(window) ?? { bulk: 0, person: 0 };
      entry[calls.who[index]?.startsWith("bulk") ? "bulk" : "person"] += 1;
      windows.set(window, entry);
    });
    assert.ok([...windows.values()].every((entry) => entry.bulk <= 5), JSON.stringify([...windows.values()]));
    assert.equal(windows.get(Math.floor(start / ms))?.person, 3);
    await sleep(50);
    const first = await WeComRateWindow.findById(`${API}|${ms}|${Math.floor(start / ms)}`).lean();
    assert.equal((first?.total ?? 0) - (first?.bulk ?? 0), 3, "the interactive calls were counted in the window");
  });

  it("should halve parallel bulk calls on 45033 and retry the refused call", async () => {
    const { wecom, limiter } = processWith([{ ms: 60_000, limit: 10_000 }], { batch: 10, maxConcurrency: 8 });
    const calls = recordCalls(API, (index) => ({ errcode: index < 2 ? 45033 : 0, delayMs: 40 }));
    await Promise.all(Array.from({ length: 8 }, (_, index) => wecom.post(API, { who: `c${index}` }, { priority: "bulk" })));
    assert.ok(limiter.concurrencyOf(API) <= 4, `ceiling ${limiter.concurrencyOf(API)}`);
    assert.equal(calls.peak, 8, "eight at once before WeCom complained");
    calls.peak = 0;
    await Promise.all(Array.from({ length: 12 }, (_, index) => wecom.post(API, { who: `d${index}` }, { priority: "bulk" })));
    assert.ok(calls.peak <= 5, `about half as many at once after the 45033s, saw ${calls.peak}`);
    assert.equal(calls.at.length, 8 + 2 + 12, "each refused call is sent once more");
  });

  it("should cost about one database update per window per batch of calls, not one per call", async () => {
    const writes: string[] = [];
    const store = { add: (key: string, add: { total: number; bulk: number }, expiresAt: Date) => (writes.push(key), mongoRateWindowStore.add(key, add, expiresAt)), block: mongoRateWindowStore.block };
    const limiter = new WeComRateLimiter({ perMinute: 10_000, perHour: 150_000, bulkShare: 0.8, store });
    const wecom = new WeComClient({ baseUrl: WECOM_BASE, corpId: SAMPLE.receiveId, secrets: { contact: CONTACT_SECRET }, limiter });
    const calls = recordCalls(API);
    await Promise.all(Array.from({ length: 400 }, (_, index) => wecom.post(API, { who: `n${index}` }, { priority: "bulk" })));
    assert.equal(calls.at.length, 400);
    // Batches of 80 (a 100th of the 8,000 bulk calls a minute), minute and hour windows each.
    assert.ok(writes.length <= 2 * Math.ceil(400 / 80) + 2, `${writes.length} database updates for 400 calls`);
  });

  it("should read its limits from the environment, WeCom's by default, and refuse a share outside 0.1–1", () => {
    const env = parseEnv({});
    assert.deepEqual([env.WECOM_RATE_PER_MINUTE, env.WECOM_RATE_PER_HOUR, env.WECOM_BULK_SHARE], [10_000, 150_000, 0.8]);
    assert.throws(() => parseEnv({ WECOM_BULK_SHARE: "1.5" }), /WECOM_BULK_SHARE: must be ≤ 1/);
    assert.throws(() => parseEnv({ WECOM_RATE_PER_MINUTE: "0" }), /WECOM_RATE_PER_MINUTE: must be ≥ 1/);
  });
});

