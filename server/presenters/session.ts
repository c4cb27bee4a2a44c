import type { Role } from "../models/Employee.ts";

export type { Role };

/** `GET /api/auth/me`: who is signed in. */
export interface PresentedMe {
  userId: string | null;
  name: string;
  role: Role;
  /** A manager's stores. */
  storeIds: string[];
  /** The server accepts a development login. */
  devLogin: boolean;
}

/** `GET /api/auth/options`: which ways in the login pages may offer (no session needed). */
export interface PresentedAuthOptions {
  /** null until the server is configured for a corp. */
  corpId: string | null;
  agentId: string | null;
  devLogin: boolean;
  standIn: boolean;
  bootstrap: boolean;
  wecomConfigured: boolean;
}

/**
 * @param actor the signed-in actor.
 * @param parts the employee's name (null for the API token) and whether development login is on.
 * @returns the public shape.
 */
export function presentMe(actor: { userId: string | null; role: Role; scopeStoreIds: string[] }, parts: { name: string | null | undefined; devLogin: boolean }): PresentedMe {
  return { userId: actor.userId, name: parts.name || actor.userId || "API", role: actor.role, storeIds: [...actor.scopeStoreIds], devLogin: parts.devLogin };
}

/**
 * @param options the deployment's login facts.
 * @returns the public shape.
 */
export function presentAuthOptions(options: { corpId?: string | null; agentId?: string | null; devLogin: boolean; standIn: boolean; bootstrap: boolean }): PresentedAuthOptions {
  return {
    corpId: options.corpId ?? null,
    agentId: options.agentId ?? null,
    devLogin: options.devLogin,
    standIn: options.standIn,
    bootstrap: options.bootstrap,
    wecomConfigured: Boolean(options.corpId && options.agentId),
  };
}
