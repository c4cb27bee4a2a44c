// The signed-in user of the console, shared by the router guard, the layout and the pages.
import type { PresentedMe, Role } from "@server/presenters/session";
import { ApiError } from "@shared/api";
import { reactive, readonly } from "vue";
import { fetchMe, logoutSession } from "./api/auth";

export type { Role };
export type SessionUser = PresentedMe;

const state = reactive({
  /** null when nobody is signed in. */
  user: null as SessionUser | null,
  /** true once `/api/auth/me` has answered (signed in or 401). */
  checked: false,
  /** Set when `/api/auth/me` failed for another reason than 401 (server down...). */
  error: null as string | null,
});

export const session = readonly(state);

/**
 * Asks the server who is signed in.
 *
 * @returns the user, or null when the server answers 401.
 */
export async function loadSession(): Promise<SessionUser | null> {
  try {
    state.user = await fetchMe();
    state.error = null;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      state.user = null;
      state.error = null;
    } else {
      state.error = error instanceof Error ? error.message : String(error);
      throw error;
    }
  } finally {
    state.checked = true;
  }
  return state.user;
}

/** Ends the session on the server and forgets the user here (even if the server call fails). */
export async function logout(): Promise<void> {
  try {
    await logoutSession();
  } finally {
    state.user = null;
  }
}

/** Whether the signed-in user has one of the roles. */
export function hasRole(...roles: Role[]): boolean {
  return state.user !== null && roles.includes(state.user.role);
}

let expiredHandler: () => void = () => undefined;

/** Registers what to do when the server says the session is gone (the router sends to login). */
export function onSessionExpired(handler: () => void): void {
  expiredHandler = handler;
}

/**
 * Call with any error from an API call: a 401 while signed in means the session expired (8 h or
 * logged out elsewhere), so the user is sent back to the login page.
 */
export function reportApiError(error: unknown): void {
  if (error instanceof ApiError && error.status === 401 && state.user) {
    state.user = null;
    expiredHandler();
  }
}
