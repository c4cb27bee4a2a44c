import assert from "node:assert/strict";
import nock from "nock";
import { Employee } from "../../server/models/Employee.ts";
import type { TestServer } from "./server.ts";
import { AGENT_ACCESS_TOKEN, nockAgentToken } from "./wecomNock.ts";
import { WECOM_BASE } from "./wecomSecrets.ts";

/** A logged-in employee's HTTP client: the session cookie rides on every request. */
export interface SessionClient {
  userId: string;
  cookie: string;
  get(path: string): Promise<{ status: number; body: Record<string, unknown> & { data?: unknown; message?: string } }>;
  send(method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> & { data?: unknown; message?: string } }>;
}

let codeSequence = 0;

/**
 * Log in the way WeCom's OAuth does it: start (the server issues a state and sends the browser to
 * WeCom), come back with a code for that state, and the server asks WeCom (nock) who the code is.
 *
 * @param server the running app.
 * @param employee who logs in; created in the directory with this role and scope first.
 * @returns a client carrying the session cookie.
 */
export async function loginAs(
  server: TestServer,
  employee: { userId: string; role?: "admin" | "operator" | "manager" | "guide"; scopeStoreIds?: string[]; departmentIds?: number[]; name?: string },
): Promise<SessionClient> {
  await Employee.updateOne(
    { userId: employee.userId },
    { $set: { role: employee.role ?? "guide", scopeStoreIds: employee.scopeStoreIds ?? [], departmentIds: employee.departmentIds ?? [], name: employee.name ?? employee.userId } },
    { upsert: true },
  );
  const start = await fetch(`${server.url}/api/auth/wecom/start?mode=oauth&returnTo=/sidebar/`, { redirect: "manual" });
  assert.equal(start.status, 302);
  const state = new URL(start.headers.get("location") ?? "").searchParams.get("state");
  assert.ok(state, "the server sends a state to WeCom");
  codeSequence += 1;
  const code = `CODE${codeSequence}${employee.userId}`;
  nockAgentToken();
  nock(WECOM_BASE).get("/cgi-bin/auth/getuserinfo").query({ access_token: AGENT_ACCESS_TOKEN, code }).reply(200, { errcode: 0, errmsg: "ok", userid: employee.userId });
  const back = await fetch(`${server.url}/api/auth/wecom/callback?code=${code}&state=${state}`, { redirect: "manual", headers: { cookie: loginCookie(start) } });
  assert.equal(back.headers.get("location"), "/sidebar/");
  const cookie = sessionCookie(back);
  return sessionClient(server, employee.userId, cookie);
}

/**
 * @param response the answer of /api/auth/wecom/start.
 * @returns the Cookie header value that binds the login to this client (state and signature).
 */
export function loginCookie(response: Response): string {
  return response.headers
    .getSetCookie()
    .map((line) => line.split(";")[0] ?? "")
    .filter((pair) => pair.startsWith("scrm_login"))
    .join("; ");
}

/**
 * @param response an answer that set the session cookie.
 * @returns the Cookie header value (session and its signature).
 */
export function sessionCookie(response: Response): string {
  const cookies = response.headers.getSetCookie().map((line) => line.split(";")[0] ?? "");
  const session = cookies.filter((pair) => pair.startsWith("scrm_sid"));
  assert.equal(session.length, 2, "the session cookie and its signature are set");
  return session.join("; ");
}

/**
 * @param server the running app.
 * @param userId whose session.
 * @param cookie the Cookie header value.
 * @returns a client sending that cookie.
 */
export function sessionClient(server: TestServer, userId: string, cookie: string): SessionClient {
  const send = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: { cookie, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> & { data?: unknown; message?: string } };
  };
  return { userId, cookie, get: (path) => send("GET", path), send };
}
