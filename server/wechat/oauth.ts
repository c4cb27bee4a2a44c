// WeChat (official account) web OAuth, scope snsapi_base: a customer's phone opening a draw
// page inside WeChat is sent to WeChat's authorize page and comes back with a one-use code, which
// the server exchanges for the customer's openid under the official account's appid
// (wecom-reference.md §8.1, §8.2). Not WeCom's OAuth (server/routes/auth.ts): no agentid.

/** Where WeChat's authorize page lives (the sandbox points it at its stand-in). */
export const WECHAT_AUTHORIZE_URL = "https://open.weixin.qq.com/connect/oauth2/authorize";

/** An official account the page can recognise customers through. */
export interface WeChatOAuthConfig {
  appId: string;
  secret: string;
  /** WECHAT_API_BASE: https://api.weixin.qq.com, or a stand-in. */
  apiBase: string;
  /** WECHAT_OAUTH_AUTHORIZE_URL: WeChat's authorize page, or a stand-in. */
  authorizeUrl: string;
  /** A stand-in that works in any browser (the sandbox's); WeChat's works only inside WeChat. */
  anyBrowser?: boolean;
}

/** Who WeChat says opened the page. */
export interface WeChatIdentity {
  openid: string;
  /** Only when WeChat returns it (an account bound to an Open Platform, §8.2): never relied on. */
  unionid?: string;
}

/** WeChat refused the code or could not be reached; `errcode` is WeChat's when it answered. */
export class WeChatOAuthError extends Error {
  override name = "WeChatOAuthError";

  /**
   * @param errcode WeChat's errcode, or 0 when it did not answer.
   * @param message what happened (never the code, the secret or the openid).
   */
  constructor(
    public readonly errcode: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The configuration from the environment's values, or null when no official account is set.
 *
 * @param env WECHAT_MP_APPID, WECHAT_MP_SECRET, WECHAT_API_BASE and WECHAT_OAUTH_AUTHORIZE_URL.
 * @returns the config, or null.
 */
export function wechatOAuthConfig(env: { WECHAT_MP_APPID?: string | undefined; WECHAT_MP_SECRET?: string | undefined; WECHAT_API_BASE?: string | undefined; WECHAT_OAUTH_AUTHORIZE_URL?: string | undefined }): WeChatOAuthConfig | null {
  if (!env.WECHAT_MP_APPID || !env.WECHAT_MP_SECRET) {
    return null;
  }
  return {
    appId: env.WECHAT_MP_APPID,
    secret: env.WECHAT_MP_SECRET,
    apiBase: (env.WECHAT_API_BASE ?? "https://api.weixin.qq.com").replace(/\/+$/, ""),
    authorizeUrl: env.WECHAT_OAUTH_AUTHORIZE_URL ?? WECHAT_AUTHORIZE_URL,
  };
}

/**
 * WeChat's authorize URL for a silent (snsapi_base) login; `#wechat_redirect` is required (§8.1).
 *
 * @param config the official account.
 * @param redirectUri where WeChat sends the browser back (host = the configured 网页授权域名).
 * @param state the single-use nonce, `[A-Za-z0-9]{1,128}`.
 * @returns the URL.
 */
export function authorizeUrl(config: WeChatOAuthConfig, redirectUri: string, state: string): string {
  const query = new URLSearchParams({ appid: config.appId, redirect_uri: redirectUri, response_type: "code", scope: "snsapi_base", state });
  return `${config.authorizeUrl}?${query.toString()}#wechat_redirect`;
}

/**
 * Exchange WeChat's one-use code for the openid (and unionid when WeChat returns it):
 * `GET /sns/oauth2/access_token` (§8.2). A snapshot-page user (`is_snapshotuser` 1) has a
 * virtual openid that must never be paid, so it is refused.
 *
 * @param config the official account.
 * @param code the code WeChat put on the redirect.
 * @returns who opened the page.
 * @throws WeChatOAuthError when WeChat refuses (40029 invalid, 40163 used) or is unreachable.
 */
export async function exchangeOAuthCode(config: WeChatOAuthConfig, code: string): Promise<WeChatIdentity> {
  const query = new URLSearchParams({ appid: config.appId, secret: config.secret, code, grant_type: "authorization_code" });
  let answer: { errcode?: number; errmsg?: string; openid?: string; unionid?: string; is_snapshotuser?: number };
  try {
    const response = await fetch(`${config.apiBase}/sns/oauth2/access_token?${query.toString()}`, { signal: AbortSignal.timeout(5000) });
    answer = (await response.json()) as typeof answer;
  } catch (error) {
    // The URL carries the secret and the code: only the error's kind is kept.
    throw new WeChatOAuthError(0, `WeChat OAuth unreachable (${(error as Error).name})`);
  }
  if (answer.errcode) {
    throw new WeChatOAuthError(answer.errcode, `WeChat OAuth refused the code: errcode ${answer.errcode}`);
  }
  if (answer.is_snapshotuser === 1) {
    throw new WeChatOAuthError(-1, "WeChat returned a snapshot-page (virtual) user");
  }
  if (typeof answer.openid !== "string" || answer.openid === "") {
    throw new WeChatOAuthError(-2, "WeChat OAuth answered without an openid");
  }
  return { openid: answer.openid, ...(typeof answer.unionid === "string" && answer.unionid !== "" ? { unionid: answer.unionid } : {}) };
}
