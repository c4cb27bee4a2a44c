// Start-up: who is the guide, and how do we reach WeCom. The page renders whatever state this
// settles in; only "ready" shows the chat tools.
import { ApiError } from "@shared/api";
import { createBridge, isInsideWeCom, type WeComBridge } from "@shared/ww";
import { shallowRef } from "vue";
import { authApi } from "../api/sidebar";
import { router } from "../router";
import type { PresentedAuthOptions as AuthOptions, PresentedMe as Me } from "@server/presenters/session";
import { toApiError } from "./useRequest";

export type BootState =
  | { kind: "loading" }
  | { kind: "redirecting" }
  | { kind: "loginError"; message: string }
  | { kind: "devLogin"; message: string }
  | { kind: "outside" }
  | { kind: "error"; error: ApiError }
  | { kind: "ready"; me: Me; bridge: WeComBridge };

const LOGIN_ERROR = "loginError";
// Set just before leaving for OAuth; if we come back still logged out within this window the
// cookie did not stick, and redirecting again would loop forever.
const ATTEMPT_KEY = "scrm.sidebar.oauthAttemptAt";
const ATTEMPT_WINDOW_MS = 30_000;
// Set once this browser has had a session here. The cookie is httpOnly, so without this mark the
// page could only learn it has no session by asking /api/auth/me for a 401, which the browser
// logs as an error on every first visit. With no mark, the page goes straight to logging in.
const SIGNED_IN_KEY = "scrm.sidebar.signedIn";

function mayHaveSession(): boolean {
  try {
    return localStorage.getItem(SIGNED_IN_KEY) === "1";
  } catch {
    // Storage refused (a locked-down webview): ask the server, as before.
    return true;
  }
}

function markSession(signedIn: boolean): void {
  try {
    if (signedIn) {
      localStorage.setItem(SIGNED_IN_KEY, "1");
    } else {
      localStorage.removeItem(SIGNED_IN_KEY);
    }
  } catch {
    // see mayHaveSession
  }
}

/** The current page without the loginError we were sent back with, as the OAuth returnTo. */
function returnTo(): string {
  const params = new URLSearchParams(location.search);
  params.delete(LOGIN_ERROR);
  const search = params.toString();
  return location.pathname + (search ? `?${search}` : "");
}

function recentAttempt(): boolean {
  const at = Number(sessionStorage.getItem(ATTEMPT_KEY) ?? 0);
  return Date.now() - at < ATTEMPT_WINDOW_MS;
}

/** Leave for the server's OAuth start; it comes back to this page with a session cookie. */
export function startOAuth(): void {
  sessionStorage.setItem(ATTEMPT_KEY, String(Date.now()));
  location.href = `/api/auth/wecom/start?mode=oauth&returnTo=${encodeURIComponent(returnTo())}`;
}

/**
 * The start-up sequence as reactive state.
 *
 * @returns the state, `boot()` to (re)run it and `devLogin()` for the development form.
 */
export function useBoot() {
  const state = shallowRef<BootState>({ kind: "loading" });
  let options: AuthOptions | null = null;

  async function afterLogin(me: Me): Promise<void> {
    sessionStorage.removeItem(ATTEMPT_KEY);
    markSession(true);
    const { [LOGIN_ERROR]: _stale, ...rest } = router.currentRoute.value.query;
    if (_stale !== undefined) {
      await router.replace({ query: rest });
    }
    if (isInsideWeCom() && (!options?.corpId || !options.agentId)) {
      state.value = { kind: "error", error: new ApiError(500, "wecom_not_configured", "服务器尚未配置企业微信，请联系管理员") };
      return;
    }
    const bridge = await createBridge({ corpId: options?.corpId ?? "", agentId: options?.agentId ?? "", standIn: options?.standIn ?? false });
    state.value = bridge ? { kind: "ready", me, bridge } : { kind: "outside" };
  }

  function loggedOut(): void {
    markSession(false);
    const loginError = new URLSearchParams(location.search).get(LOGIN_ERROR);
    if (isInsideWeCom() || !options?.devLogin) {
      if (loginError) {
        state.value = { kind: "loginError", message: loginError };
      } else if (recentAttempt()) {
        state.value = { kind: "loginError", message: "登录未成功，请重试" };
      } else {
        state.value = { kind: "redirecting" };
        startOAuth();
      }
      return;
    }
    state.value = { kind: "devLogin", message: loginError ?? "" };
  }

  async function boot(): Promise<void> {
    state.value = { kind: "loading" };
    try {
      options = await authApi.options();
      // Back from OAuth, or a session from an earlier visit: ask who we are. Otherwise there is
      // no session to find.
      if (!mayHaveSession() && !recentAttempt()) {
        loggedOut();
        return;
      }
      await afterLogin(await authApi.me());
    } catch (caught) {
      const error = toApiError(caught);
      if (error.status === 401) {
        loggedOut();
        return;
      }
      state.value = { kind: "error", error };
    }
  }

  /** Development login; resolves to the error message to show, or "" once logged in. */
  async function devLogin(userId: string): Promise<string> {
    try {
      await authApi.devLogin(userId);
      await afterLogin(await authApi.me());
      return "";
    } catch (caught) {
      return toApiError(caught).message;
    }
  }

  return { state, boot, devLogin };
}
