// Login and session (/api/auth), for the login page and the session store.
import type { PresentedAuthOptions, PresentedMe } from "@server/presenters/session";
import { api } from "@shared/api";

/** Which ways in the login page offers (no session needed). */
export const fetchAuthOptions = () => api.get<PresentedAuthOptions>("/api/auth/options");

/** Who is signed in; 401 when nobody. */
export const fetchMe = () => api.get<PresentedMe>("/api/auth/me");

/** The first admin, with SCRM_API_TOKEN. */
export const bootstrapAdmin = (token: string, userId: string) => api.post<unknown>("/api/auth/bootstrap", { token, userId });

/** Development login as any employee (404 outside development). */
export const devLogin = (userId: string) => api.post<unknown>("/api/auth/dev-login", { userId });

/** End the session on the server. */
export const logoutSession = () => api.post<unknown>("/api/auth/logout");
