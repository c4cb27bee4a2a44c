import { setTimeout as sleep } from "node:timers/promises";
import axios, { type AxiosInstance } from "axios";
import { NotConfiguredError, WeComApiError } from "../errors.ts";
import { getLogger, safeUrl, type Logger } from "../logging/logger.ts";
import type { RateLease, WeComRateLimiter } from "./rateLimiter.ts";

/** Which WeCom secret (and so which access_token) a call uses; see wecom-reference.md §3.2. */
export type WeComSecretName = "contact" | "agent";

/**
 * How a call meets the rate limiter: `interactive` (the default: a person is waiting; counted,
 * never queued) or `bulk` (dispatch and sync loops; waits for its share of WeCom's per-API limits).
 */
export type WeComPriority = "interactive" | "bulk";

/** Query parameters; `undefined` values are left out of the URL. */
export type WeComQuery = Record<string, string | number | undefined>;

/** How to reach WeCom and how hard to retry. */
export interface WeComClientOptions {
  /** e.g. https://qyapi.weixin.qq.com (WECOM_API_BASE); a trailing slash is tolerated. */
  baseUrl: string;
  corpId: string;
  secrets: Partial<Record<WeComSecretName, string>>;
  /** Backoff for -1/45009/45033, network errors and HTTP 5xx. Defaults: 3 retries, 200 ms base, 5 s cap. */
  retry?: { attempts?: number; baseDelayMs?: number; maxDelayMs?: number };
  /** Per-request timeout; default 10 s. */
  timeoutMs?: number;
  /** Injected clock (ms) deciding token expiry; default Date.now. */
  now?: () => number;
  /** The shared per-API limiter (server/wecom/rateLimiter.ts); without one nothing is counted or held back. */
  limiter?: WeComRateLimiter;
}

/** WeCom could not be reached (or answered HTTP non-2xx) even after retries. */
export class WeComNetworkError extends Error {
  /**
   * @param path the API path (no query string: it carries the token or the secret).
   * @param code the socket/axios error code, if any (ECONNRESET, ETIMEDOUT, ...).
   * @param status the HTTP status, if WeCom answered at all.
   * @param detail the underlying message with any token or secret scrubbed.
   */
  constructor(
    public readonly path: string,
    public readonly code: string | undefined,
    public readonly status: number | undefined,
    detail: string,
  ) {
    super(`WeCom ${path} failed: ${detail}`);
    this.name = "WeComNetworkError";
  }
}

// §3.4: the token died early (or belongs to another app) → refresh once and retry once.
const TOKEN_EXPIRED = new Set([40014, 42001]);
// §3.4: busy / frequency limit / concurrency limit → back off and retry.
const RETRYABLE_ERRCODES = new Set([-1, 45009, 45033]);
// Socket-level failures worth another try; anything else (bad URL, cancel) would fail again.
const RETRYABLE_NET_CODES = new Set([
  "ECONNRESET", "ECONNREFUSED", "ECONNABORTED", "ETIMEDOUT", "EPIPE", "EAI_AGAIN",
  "ENOTFOUND", "ENETUNREACH", "EHOSTUNREACH", "ERR_NETWORK", "ERR_SOCKET_CONNECTION_TIMEOUT",
]);
// A bulk call that meets 45009 waits for the next window this many times before giving up.
const BULK_BLOCKED_RETRIES = 2;
// Expire tokens early so a call started just before expiry does not race WeCom's clock (§3.1).
const TOKEN_EARLY_EXPIRY_MS = 5 * 60_000;

interface CachedToken {
  token: string;
  expiresAt: number;
}

type Method = "GET" | "POST";

/** Hide the token and the secret if an error message echoes the request URL. */
const scrub = (text: string): string => text.replace(/(access_token|corpsecret)=[^&\s"']*/g, "$1=[redacted]");

/**
 * The only way the server talks to WeCom: token caching per secret, expiry recovery, backoff,
 * and errcode → {@link WeComApiError}. Responses are returned whole (including `errcode: 0`).
 */
export class WeComClient {
  private readonly http: AxiosInstance;
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly attempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly tokens = new Map<WeComSecretName, CachedToken>();
  private readonly inflight = new Map<WeComSecretName, Promise<string>>();

  /** @param options where WeCom is, which secrets exist, retry bounds and clock. */
  constructor(private readonly options: WeComClientOptions) {
    this.http = axios.create({ baseURL: options.baseUrl.replace(/\/+$/, ""), timeout: options.timeoutMs ?? 10_000 });
    // Created per instance (not at import) so it picks up the level configured at boot.
    this.log = getLogger("wecom");
    this.now = options.now ?? Date.now;
    this.attempts = options.retry?.attempts ?? 3;
    this.baseDelayMs = options.retry?.baseDelayMs ?? 200;
    this.maxDelayMs = options.retry?.maxDelayMs ?? 5_000;
  }

  /**
   * GET a WeCom API.
   *
   * @param path full API path, e.g. `/cgi-bin/externalcontact/get`.
   * @param query query parameters (access_token is added).
   * @param options which secret's token to use (default `"contact"`) and the priority (default `"interactive"`).
   * @returns the response body, errcode 0.
   * @throws WeComApiError on a non-zero errcode; WeComNetworkError when WeCom stays unreachable.
   */
  get<T extends object>(path: string, query?: WeComQuery, options?: { secret?: WeComSecretName; priority?: WeComPriority }): Promise<T> {
    return this.call<T>("GET", path, query, undefined, options?.secret ?? "contact", options?.priority ?? "interactive");
  }

  /**
   * POST JSON to a WeCom API.
   *
   * @param path full API path, e.g. `/cgi-bin/externalcontact/remark`.
   * @param body JSON body.
   * @param options which secret's token to use (default `"contact"`), extra query parameters and the priority (default `"interactive"`).
   * @returns the response body, errcode 0.
   * @throws WeComApiError on a non-zero errcode; WeComNetworkError when WeCom stays unreachable.
   */
  post<T extends object>(
    path: string,
    body: unknown,
    options?: { secret?: WeComSecretName; query?: WeComQuery; priority?: WeComPriority },
  ): Promise<T> {
    return this.call<T>("POST", path, options?.query, body, options?.secret ?? "contact", options?.priority ?? "interactive");
  }

  private async call<T>(
    method: Method,
    path: string,
    query: WeComQuery | undefined,
    body: unknown,
    secret: WeComSecretName,
    priority: WeComPriority,
  ): Promise<T> {
    // §3.1: 40014/42001 → refresh once, retry once; a second expiry error is not recoverable.
    for (let expiryRetry = 0; ; expiryRetry++) {
      const token = await this.token(secret);
      const data = await this.send(method, path, { ...query, access_token: token }, body, priority);
      if (data.errcode === 0) {return data as T;}
      if (TOKEN_EXPIRED.has(data.errcode) && expiryRetry === 0) {
        // Only drop the token that failed: in a burst, later failures must not evict the fresh one.
        const evict = this.tokens.get(secret)?.token === token;
        if (evict) {this.tokens.delete(secret);}
        // One warn per dead token, not one per caller of a burst ("secret" itself is a redacted log key).
        const fields = { path: safeUrl(path), errcode: data.errcode, secretName: secret };
        this.log[evict ? "warn" : "debug"](fields, "wecom token rejected; refreshing");
        continue;
      }
      throw new WeComApiError(data.errcode, data.errmsg, safeUrl(path));
    }
  }

  /** A valid token for the secret; concurrent callers share one in-flight gettoken. */
  private token(secret: WeComSecretName): Promise<string> {
    const cached = this.tokens.get(secret);
    if (cached && this.now() < cached.expiresAt) {return Promise.resolve(cached.token);}
    const pending = this.inflight.get(secret);
    if (pending) {return pending;}
    const fetching = this.fetchToken(secret).finally(() => this.inflight.delete(secret));
    this.inflight.set(secret, fetching);
    return fetching;
  }

  private async fetchToken(secret: WeComSecretName): Promise<string> {
    const corpsecret = this.options.secrets[secret];
    // A configuration problem, not a WeCom one: fail before any network call.
    if (!corpsecret) {throw NotConfiguredError(`WeCom secret "${secret}" is not configured`);}
    const path = "/cgi-bin/gettoken";
    const data = await this.send("GET", path, { corpid: this.options.corpId, corpsecret }, undefined, null);
    const token = data["access_token"];
    const expiresIn = data["expires_in"];
    if (data.errcode !== 0) {throw new WeComApiError(data.errcode, data.errmsg, path);}
    if (typeof token !== "string" || token === "" || typeof expiresIn !== "number") {
      throw new WeComApiError(-1, "gettoken answered without access_token/expires_in", path);
    }
    const lifetimeMs = expiresIn * 1000;
    this.tokens.set(secret, {
      token,
      expiresAt: this.now() + lifetimeMs - Math.min(TOKEN_EARLY_EXPIRY_MS, lifetimeMs / 2),
    });
    return token;
  }

  /**
   * One logical request with backoff on transient failures; returns the body with a numeric errcode.
   * Every attempt is one call to WeCom, so each is counted (priority null: gettoken, not limited).
   */
  private async send(
    method: Method,
    path: string,
    query: WeComQuery,
    body: unknown,
    priority: WeComPriority | null,
  ): Promise<{ errcode: number; errmsg: string } & Record<string, unknown>> {
    const logPath = safeUrl(path);
    const params = Object.fromEntries(Object.entries(query).filter(([, value]) => value !== undefined));
    const limiter = priority === null ? undefined : this.options.limiter;
    let blockedRetries = 0;
    for (let attempt = 1; ; attempt++) {
      const lease: RateLease | null = limiter && priority === "bulk" ? await limiter.acquire(path) : null;
      const settle = (errcode: number | null): void => (lease ? lease.release(errcode) : limiter?.countInteractive(path));
      const started = performance.now();
      const canRetry = attempt <= this.attempts;
      let reason: string;
      try {
        const res = await this.http.request<unknown>({ method, url: path, params, data: body }).catch((error: unknown) => {
          settle(null);
          throw error;
        });
        const raw = res.data;
        if (typeof raw !== "object" || raw === null) {
          settle(null);
          throw new WeComNetworkError(logPath, undefined, res.status, "non-JSON response");
        }
        const fields = raw as Record<string, unknown>;
        const errcode = typeof fields["errcode"] === "number" ? fields["errcode"] : 0;
        const errmsg = typeof fields["errmsg"] === "string" ? fields["errmsg"] : "";
        const durationMs = Math.round(performance.now() - started);
        this.log.debug({ path: logPath, errcode, durationMs, attempt }, "wecom call");
        settle(errcode);
        if (errcode === 45009 && limiter) {
          // Shut the API to bulk calls in every process until the window ends; a bulk call then
          // waits for the next window in acquire() rather than spending its retries inside this one.
          await limiter.block(path);
          if (lease && blockedRetries < BULK_BLOCKED_RETRIES) {
            blockedRetries += 1;
            attempt -= 1;
            this.log.warn({ path: logPath, blockedRetries }, "wecom frequency limit; bulk call waits for the next window");
            continue;
          }
        }
        if (!RETRYABLE_ERRCODES.has(errcode) || !canRetry) {return { ...fields, errcode, errmsg };}
        reason = `errcode ${errcode}`;
      } catch (err) {
        if (!axios.isAxiosError(err)) {throw err;}
        const status = err.response?.status;
        const code = err.code;
        const transient = status !== undefined ? status >= 500 : code !== undefined && RETRYABLE_NET_CODES.has(code);
        const durationMs = Math.round(performance.now() - started);
        this.log.debug({ path: logPath, status, code, durationMs, attempt }, "wecom call failed");
        if (!transient || !canRetry) {
          // Deliberately no `cause`: the axios error carries the request config, i.e. the token.
          const detail = status !== undefined ? `HTTP ${status}` : scrub(err.message);
          throw new WeComNetworkError(logPath, code, status, detail);
        }
        reason = status !== undefined ? `HTTP ${status}` : (code ?? "network error");
      }
      // Exponential backoff with jitter (§3.3: limits are per minute, so spread the retries).
      const ceiling = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (attempt - 1));
      const delayMs = Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
      this.log.warn({ path: logPath, reason, attempt, delayMs }, "wecom call retrying");
      await sleep(delayMs);
    }
  }
}

/**
 * Walk a WeCom cursor-paged list (`cursor` in, `next_cursor` out, empty = last page).
 *
 * @param fetchPage fetches one page for a cursor ("" for the first page).
 * @yields every item of every page, in order.
 */
export async function* paginate<T>(
  fetchPage: (cursor: string) => Promise<{ items: T[]; nextCursor?: string }>,
): AsyncGenerator<T, void, undefined> {
  let cursor = "";
  do {
    const page = await fetchPage(cursor);
    yield* page.items;
    // A repeated cursor would loop forever; treat it as a WeCom bug, not as more data.
    if (page.nextCursor && page.nextCursor === cursor) {throw new Error(`paginate: cursor did not advance`);}
    cursor = page.nextCursor ?? "";
  } while (cursor !== "");
}
