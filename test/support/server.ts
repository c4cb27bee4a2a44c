import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type Koa from "koa";
import { createApp, type AppOptions } from "../../server/app.ts";
import { WeComClient } from "../../server/wecom/client.ts";
import { EventProcessor, type EventProcessorOptions } from "../../server/workers/eventProcessor.ts";
import { resetDatabase } from "./hooks.ts";
import { AGENT_ID, AGENT_SECRET, CONTACT_SECRET, SAMPLE, WECOM_BASE } from "./wecomSecrets.ts";

export const API_TOKEN = "test-api-token-0123456789";
/** The key the test app signs session cookies with. */
export const SESSION_KEY = "test-session-key-0123456789abcdef0123456789";

export interface TestServer {
  url: string;
  close(): Promise<void>;
}

/**
 * The real app as the tests run it, not yet listening (for tests that read its routes).
 *
 * @param options overrides of the app options.
 * @returns the Koa app.
 */
export function createTestApp(options: Partial<AppOptions> = {}): Koa {
  return createApp({
    callbackSecrets: SAMPLE,
    apiToken: API_TOKEN,
    wecom: testWeComClient(),
    sessionKeys: [SESSION_KEY],
    corpId: SAMPLE.receiveId,
    agentId: AGENT_ID,
    standIn: true,
    ...options,
  });
}

/**
 * Start the real app on a free loopback port.
 *
 * @param options overrides of the app options.
 * @returns its base URL and a close function.
 */
export async function startTestServer(options: Partial<AppOptions> = {}): Promise<TestServer> {
  return listenTestServer(createTestApp(options));
}

/**
 * Listen with an app on a free loopback port.
 *
 * @param app an app from createTestApp.
 * @returns its base URL and a close function.
 */
export async function listenTestServer(app: Koa): Promise<TestServer> {
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, "127.0.0.1", () => resolve(listening));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * A WeCom client pointed at nock's stand-in, with fast retries.
 *
 * @returns the client.
 */
export function testWeComClient(): WeComClient {
  return new WeComClient({
    baseUrl: WECOM_BASE,
    corpId: SAMPLE.receiveId,
    secrets: { contact: CONTACT_SECRET, agent: AGENT_SECRET },
    retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 5 },
  });
}

/**
 * An event processor with test pacing (no real backoff waits unless asked).
 *
 * @param overrides options to change.
 * @returns the processor (not started).
 */
export function testProcessor(overrides: Partial<EventProcessorOptions> = {}): EventProcessor {
  return new EventProcessor({
    context: { wecom: testWeComClient(), now: () => new Date() },
    maxAttempts: 3,
    backoffMs: () => 0,
    pollMs: 20,
    ...overrides,
  });
}

/**
 * GET a console API path with the API token.
 *
 * @param server the test server.
 * @param path path under the server.
 * @param token bearer token to send (the test token by default; null for none).
 * @returns status and parsed JSON body.
 */
export async function consoleGet(
  server: TestServer,
  path: string,
  token: string | null = API_TOKEN,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${server.url}${path}`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/**
 * Register mocha hooks for a suite: one real server for the suite, an empty database before each test.
 *
 * @param options overrides of the app options.
 * @returns a handle whose `server` is the running server inside tests.
 */
export function useTestServer(options: Partial<AppOptions> = {}): { server: TestServer } {
  const handle = {} as { server: TestServer };
  before(async () => {
    handle.server = await startTestServer(options);
  });
  after(() => handle.server.close());
  beforeEach(() => resetDatabase());
  return handle;
}

/**
 * Send JSON to a console API path with the API token.
 *
 * @param server the test server.
 * @param method POST, PUT or PATCH.
 * @param path path under the server.
 * @param body the JSON body.
 * @returns status and parsed JSON body.
 */
export async function consoleSend(
  server: TestServer,
  method: "POST" | "PUT" | "PATCH",
  path: string,
  body: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${API_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}
