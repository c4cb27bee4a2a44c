// The real app in sandbox mode for the sandbox's tests: the WeCom API stand-in on a loopback
// port, the product's WeCom client and callback secrets pointed at it and at the sandbox corp,
// the sandbox routes mounted, and an event processor working the callbacks.
import type { AppOptions } from "../../server/app.ts";
import { EventLane } from "../../server/models/EventLane.ts";
import { SANDBOX_AGENT_ID, SANDBOX_AGENT_SECRET, SANDBOX_CALLBACK_SECRETS, SANDBOX_CONTACT_SECRET, SANDBOX_CORP_ID } from "../../server/sandbox/config.ts";
import { sandboxRouter } from "../../server/sandbox/routes.ts";
import { startWeComStandIn } from "../../server/sandbox/wecomApi/index.ts";
import { waitFor } from "../../server/utils/async.ts";
import { WeComClient } from "../../server/wecom/client.ts";
import type { EventProcessor } from "../../server/workers/eventProcessor.ts";
import { startTestServer, testProcessor, type TestServer } from "../support/server.ts";

export interface SandboxServer {
  server: TestServer;
  /** The WeCom API stand-in's origin. */
  wecomApiBase: string;
  processor: EventProcessor;
  /** Wait until the processor has worked through every queued callback. */
  settle(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * Start the stand-in, the app (sandbox routes, sandbox secrets, login URLs at the sandbox) and
 * an event processor.
 *
 * @param app more app options (a browser test serves the built front end: frontendDir).
 * @returns the running pieces.
 */
export async function startSandboxServer(app: Partial<AppOptions> = {}): Promise<SandboxServer> {
  const standIn = await startWeComStandIn({ port: 0 });
  const wecom = new WeComClient({
    baseUrl: standIn.url,
    corpId: SANDBOX_CORP_ID,
    secrets: { contact: SANDBOX_CONTACT_SECRET, agent: SANDBOX_AGENT_SECRET },
    retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 5 },
  });
  const processor = testProcessor({ context: { wecom, now: () => new Date() } });
  let url = "";
  const server = await startTestServer({
    callbackSecrets: SANDBOX_CALLBACK_SECRETS,
    wecom,
    corpId: SANDBOX_CORP_ID,
    agentId: String(SANDBOX_AGENT_ID),
    loginUrls: { oauth: "/sandbox/oauth/authorize", qr: "/sandbox/oauth/qr" },
    sandboxRouter: sandboxRouter({ callbackUrl: () => url, wecomApiBase: standIn.url }),
    imageOrigins: [standIn.url],
    onEventStored: () => processor.kick(),
    ...app,
  });
  url = server.url;
  processor.start();
  return {
    server,
    wecomApiBase: standIn.url,
    processor,
    async settle(timeoutMs = 30_000) {
      if (!(await waitFor(async () => (await EventLane.countDocuments()) === 0, { timeoutMs, intervalMs: 20 }))) {
        throw new Error("the event processor did not finish in time");
      }
    },
    async close() {
      await processor.stop();
      await server.close();
      await standIn.close();
    },
  };
}
