import crypto from "node:crypto";
import { getJsApiSignature } from "@wecom/crypto";
import type { WeComClient } from "./client.ts";

/** `config` signs with the corp's jsapi ticket, `agentConfig` with the app's (wecom-reference.md §6.2). */
export type SignatureKind = "config" | "agentConfig";

/** What a page gets to sign `ww.register` with; `ticketId` names the ticket without revealing it. */
export interface JsApiSignature {
  timestamp: number;
  nonceStr: string;
  signature: string;
  ticketId: string;
}

interface CachedTicket {
  ticket: string;
  id: string;
  expiresAt: number;
}

// Renew before WeCom's 7200 s run out, so a page never signs with a ticket about to die.
const RENEW_MARGIN_MS = 5 * 60 * 1000;

// WeCom allows 400 corp-ticket fetches an hour per corp and 100 per app (wecom-reference.md §6.2),
// and any logged-in page can claim its ticket failed. Once per ticket alone would still let a page
// that claims failure after every answer cost one fetch per request, so a claim is heeded at most
// once in this interval per kind: at most 12 an hour, however many pages (or attackers) ask.
export const REPORTED_REFRESH_INTERVAL_MS = 5 * 60 * 1000;

/**
 * The JS-SDK tickets, cached per kind for as long as WeCom says and fetched once for concurrent
 * callers; and the signature. A ticket is fetched again before it expires only when a page
 * reports that the ticket it was given failed and that ticket is still the cached one.
 */
export class JsApiTickets {
  private readonly cache = new Map<SignatureKind, CachedTicket>();
  private readonly inflight = new Map<SignatureKind, Promise<CachedTicket>>();
  private readonly lastReportedRefresh = new Map<SignatureKind, number>();

  /**
   * @param wecom the one WeCom client (the agent secret's token: the app that registers the JS-SDK).
   * @param now the clock in ms.
   */
  constructor(
    private readonly wecom: WeComClient,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Sign a page for `ww.register`'s config or agentConfig.
   *
   * @param url the page's URL without its fragment.
   * @param kind which ticket signs it.
   * @param failedTicketId the `ticketId` of an earlier answer whose signature the page's config
   *   refused; the ticket is replaced only if it is still the cached one (see {@link reportFailed}).
   * @returns timestamp (seconds), nonceStr, signature and the id of the ticket used.
   */
  async sign(url: string, kind: SignatureKind, failedTicketId?: string): Promise<JsApiSignature> {
    const cached = failedTicketId === undefined ? await this.ticket(kind) : await this.reportFailed(kind, failedTicketId);
    const signed = getJsApiSignature({ url: url.split("#")[0] ?? url, ticket: cached.ticket, timestamp: Math.floor(this.now() / 1000) });
    return { timestamp: Number(signed.timestamp), nonceStr: signed.nonceStr, signature: signed.signature, ticketId: cached.id };
  }

  /**
   * A page's config failed with the ticket `ticketId`. Fetch a new ticket only if that one is
   * still cached (a report about a ticket already replaced gets the new one), no refresh for this
   * kind was made on a report in the last {@link REPORTED_REFRESH_INTERVAL_MS}, and none is
   * running already (concurrent reports share it).
   *
   * @param kind which ticket.
   * @param ticketId the ticket the page was given.
   * @returns the ticket to sign with.
   */
  private reportFailed(kind: SignatureKind, ticketId: string): Promise<CachedTicket> {
    const pending = this.inflight.get(kind);
    if (pending) {
      return pending;
    }
    const cached = this.cache.get(kind);
    const last = this.lastReportedRefresh.get(kind);
    const recentlyRefreshed = last !== undefined && this.now() - last < REPORTED_REFRESH_INTERVAL_MS;
    // An expired ticket is renewed by the ordinary path, without spending the interval.
    if (!cached || cached.expiresAt <= this.now() || cached.id !== ticketId || recentlyRefreshed) {
      return this.ticket(kind);
    }
    this.lastReportedRefresh.set(kind, this.now());
    return this.startFetch(kind);
  }

  private ticket(kind: SignatureKind): Promise<CachedTicket> {
    const cached = this.cache.get(kind);
    if (cached && cached.expiresAt > this.now()) {
      return Promise.resolve(cached);
    }
    return this.inflight.get(kind) ?? this.startFetch(kind);
  }

  private startFetch(kind: SignatureKind): Promise<CachedTicket> {
    const pending = this.fetch(kind).finally(() => this.inflight.delete(kind));
    this.inflight.set(kind, pending);
    return pending;
  }

  private async fetch(kind: SignatureKind): Promise<CachedTicket> {
    const answer =
      kind === "config"
        ? await this.wecom.get<{ ticket: string; expires_in: number }>("/cgi-bin/get_jsapi_ticket", {}, { secret: "agent" })
        : await this.wecom.get<{ ticket: string; expires_in: number }>("/cgi-bin/ticket/get", { type: "agent_config" }, { secret: "agent" });
    // A random id rather than anything derived from the ticket: pages never learn the ticket.
    const fetched = { ticket: answer.ticket, id: crypto.randomBytes(12).toString("base64url"), expiresAt: this.now() + answer.expires_in * 1000 - RENEW_MARGIN_MS };
    this.cache.set(kind, fetched);
    return fetched;
  }
}
