import { getJsApiSignature } from "@wecom/crypto";
import type { WeComClient } from "./client.ts";

/** `config` signs with the corp's jsapi ticket, `agentConfig` with the app's (wecom-reference.md §6.2). */
export type SignatureKind = "config" | "agentConfig";

interface CachedTicket {
  ticket: string;
  expiresAt: number;
}

// Renew before WeCom's 7200 s run out, so a page never signs with a ticket about to die.
const RENEW_MARGIN_MS = 5 * 60 * 1000;

/**
 * The JS-SDK tickets, cached per kind for as long as WeCom says (the corp ticket is limited to
 * 400 fetches an hour per corp) and fetched once for concurrent callers; and the signature.
 */
export class JsApiTickets {
  private readonly cache = new Map<SignatureKind, CachedTicket>();
  private readonly inflight = new Map<SignatureKind, Promise<string>>();

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
   * @returns timestamp (seconds), nonceStr and signature.
   */
  async sign(url: string, kind: SignatureKind): Promise<{ timestamp: number; nonceStr: string; signature: string }> {
    const ticket = await this.ticket(kind);
    const signed = getJsApiSignature({ url: url.split("#")[0] ?? url, ticket, timestamp: Math.floor(this.now() / 1000) });
    return { timestamp: Number(signed.timestamp), nonceStr: signed.nonceStr, signature: signed.signature };
  }

  /** Forget a ticket WeCom no longer honours (the page reported a failed config). */
  invalidate(kind: SignatureKind): void {
    this.cache.delete(kind);
  }

  private ticket(kind: SignatureKind): Promise<string> {
    const cached = this.cache.get(kind);
    if (cached && cached.expiresAt > this.now()) {
      return Promise.resolve(cached.ticket);
    }
    let pending = this.inflight.get(kind);
    if (!pending) {
      pending = this.fetch(kind).finally(() => this.inflight.delete(kind));
      this.inflight.set(kind, pending);
    }
    return pending;
  }

  private async fetch(kind: SignatureKind): Promise<string> {
    const answer =
      kind === "config"
        ? await this.wecom.get<{ ticket: string; expires_in: number }>("/cgi-bin/get_jsapi_ticket", {}, { secret: "agent" })
        : await this.wecom.get<{ ticket: string; expires_in: number }>("/cgi-bin/ticket/get", { type: "agent_config" }, { secret: "agent" });
    this.cache.set(kind, { ticket: answer.ticket, expiresAt: this.now() + answer.expires_in * 1000 - RENEW_MARGIN_MS });
    return answer.ticket;
  }
}
