// Sessions of employees: a random token in a signed, httpOnly cookie; only its SHA-256 is stored.
import crypto from "node:crypto";
import type { Context } from "koa";
import { Employee } from "../models/Employee.ts";
import { Session } from "../models/Session.ts";
import type { Actor } from "./authorization.ts";

export const SESSION_COOKIE = "scrm_sid";
const SESSION_TTL_MS = 8 * 60 * 60 * 1000;

const digest = (token: string) => crypto.createHash("sha256").update(token).digest("hex");

/**
 * Log an employee in: store the session and set the cookie.
 *
 * @param ctx the request (its cookies get the token).
 * @param userId the employee.
 * @param via how they proved who they are.
 * @param now the clock.
 */
export async function startSession(ctx: Context, userId: string, via: "oauth" | "qr" | "bootstrap" | "dev", now: Date): Promise<void> {
  const token = crypto.randomBytes(32).toString("base64url");
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
  await Session.create({ _id: digest(token), userId, via, expiresAt });
  ctx.cookies.set(SESSION_COOKIE, token, { signed: true, httpOnly: true, sameSite: "lax", secure: ctx.secure, expires: expiresAt, overwrite: true });
}

/**
 * The employee behind the request's session cookie, as they are now (a role change applies at once).
 *
 * @param ctx the request.
 * @param now the clock.
 * @returns the actor, or null when there is no valid session or the employee left.
 */
export async function sessionActor(ctx: Context, now: Date): Promise<Actor | null> {
  const token = ctx.cookies.get(SESSION_COOKIE, { signed: true });
  if (!token) {
    return null;
  }
  const session = await Session.findById(digest(token)).lean();
  if (!session || session.expiresAt <= now) {
    return null;
  }
  const employee = await Employee.findOne({ userId: session.userId }, { role: 1, scopeStoreIds: 1, deleted: 1, wecomStatus: 1 }).lean();
  // 5 = quit; a departed employee's session ends with them.
  if (!employee || employee.deleted || employee.wecomStatus === 5) {
    return null;
  }
  return { kind: "session", role: employee.role ?? "guide", userId: session.userId, scopeStoreIds: employee.scopeStoreIds ?? [] };
}

/**
 * Log out: forget the session and clear the cookie.
 *
 * @param ctx the request.
 */
export async function endSession(ctx: Context): Promise<void> {
  const token = ctx.cookies.get(SESSION_COOKIE, { signed: true });
  if (token) {
    await Session.deleteOne({ _id: digest(token) });
  }
  ctx.cookies.set(SESSION_COOKIE, null, { signed: true, httpOnly: true, sameSite: "lax", overwrite: true });
}
