// The official account's JS-SDK signature for a page opened inside WeChat (wecom-reference.md
// §8.3): the account's basic access_token, then its jsapi ticket, both cached for as long as
// WeChat says (the ticket's quota is small) and fetched once for concurrent callers; the
// signature is §6.3's. The draw page needs it before WeChat lets it call requestMerchantTransfer (§9.2).
import { getJsApiSignature } from "@wecom/crypto";
import type { PublicWxConfig } from "../presenters/draw.ts";
import { WeChatOAuthError, type WeChatOAuthConfig } from "./oauth.ts";

/** What `wx.config` takes besides jsApiList. */
export type WxConfig = Omit<PublicWxConfig, "jsApiList">;

interface Cached {
  value: string;
  expiresAt: number;
}

// Renew before WeChat's 7200 s run out, so a page never signs with a ticket about to die.
const RENEW_MARGIN_MS = 5 * 60 * 1000;

/** One official account's token and ticket, and signatures made with them. */
export class OfficialAccountJsSdk {
  private token: Cached | null = null;
  private ticket: Cached | null = null;
  private inflight: Promise<Cached> | null = null;

  /**
   * @param config the official account (appid, secret, WeChat's API host).
   * @param now the clock in ms.
   */
  constructor(
    private readonly config: WeChatOAuthConfig,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Sign a page for `wx.config`.
   *
   * @param url the page's URL without its fragment.
   * @returns the appid, timestamp (seconds), nonceStr and signature.
   */
  async sign(url: string): Promise<WxConfig> {
    const ticket = await this.currentTicket();
    const signed = getJsApiSignature({ url: url.split("#")[0] ?? url, ticket: ticket.value, timestamp: Math.floor(this.now() / 1000) });
    return { appId: this.config.appId, timestamp: Number(signed.timestamp), nonceStr: signed.nonceStr, signature: signed.signature };
  }

  private currentTicket(): Promise<Cached> {
    if (this.ticket && this.ticket.expiresAt > this.now()) {
      return Promise.resolve(this.ticket);
    }
    this.inflight ??= this.fetchTicket().finally(() => {
      this.inflight = null;
    });
    return this.inflight;
  }

  private async fetchTicket(): Promise<Cached> {
    const accessToken = await this.basicToken();
    const answer = await this.call("/cgi-bin/ticket/getticket", { access_token: accessToken, type: "jsapi" });
    if (typeof answer["ticket"] !== "string" || typeof answer["expires_in"] !== "number") {
      // A token WeChat no longer accepts (40001/42001) is dropped, so the next page fetches anew.
      this.token = null;
      throw new WeChatOAuthError(Number(answer["errcode"] ?? -1), `getticket failed: ${String(answer["errmsg"] ?? "no ticket")}`);
    }
    this.ticket = { value: answer["ticket"], expiresAt: this.now() + answer["expires_in"] * 1000 - RENEW_MARGIN_MS };
    return this.ticket;
  }

  private async basicToken(): Promise<string> {
    if (this.token && this.token.expiresAt > this.now()) {
      return this.token.value;
    }
    const answer = await this.call("/cgi-bin/token", { grant_type: "client_credential", appid: this.config.appId, secret: this.config.secret });
    if (typeof answer["access_token"] !== "string" || typeof answer["expires_in"] !== "number") {
      throw new WeChatOAuthError(Number(answer["errcode"] ?? -1), `token failed: ${String(answer["errmsg"] ?? "no access_token")}`);
    }
    this.token = { value: answer["access_token"], expiresAt: this.now() + answer["expires_in"] * 1000 - RENEW_MARGIN_MS };
    return this.token.value;
  }

  private async call(path: string, params: Record<string, string>): Promise<Record<string, unknown>> {
    let response: Response;
    try {
      response = await fetch(`${this.config.apiBase}${path}?${new URLSearchParams(params).toString()}`, { signal: AbortSignal.timeout(10_000) });
    } catch {
      // Never the request's error: its URL carries the secret or the token.
      throw new WeChatOAuthError(0, `${path} unreachable`);
    }
    const body = (await response.json().catch(() => null)) as Record<string, unknown> | null;
    if (!response.ok || !body) {
      throw new WeChatOAuthError(0, `${path} answered HTTP ${response.status}`);
    }
    return body;
  }
}
