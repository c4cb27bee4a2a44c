import type Router from "@koa/router";
import type { CallbackSecrets } from "../wecom/callbackCrypto.ts";
import { SANDBOX_AGENT_ID, SANDBOX_AGENT_SECRET, SANDBOX_CALLBACK_SECRETS, SANDBOX_CONTACT_SECRET, SANDBOX_CORP_ID } from "./config.ts";
import { startSandboxTaskWorker } from "./actions/guideTaskWork.ts";
import { startSandboxBot } from "./bot/sandboxBot.ts";
import { sandboxRouter } from "./routes.ts";
import { startWeComStandIn } from "./wecomApi/index.ts";

/** What the product is configured with in sandbox mode instead of a real corp's settings. */
export interface SandboxSetup {
  /** WECOM_API_BASE: the stand-in on loopback. */
  wecomApiBase: string;
  corpId: string;
  agentId: string;
  secrets: { contact: string; agent: string };
  callbackSecrets: CallbackSecrets;
  /** Logins go to the sandbox's login stand-in instead of WeCom's pages. */
  loginUrls: { oauth: string; qr: string };
  /** /sandbox/api and /sandbox/oauth, mounted on the product's app. */
  router: Router;
  /** The group bot on wechaty-puppet-mock in the sandbox's groups (when no WECHATY_PUPPET is set). */
  startBot: typeof startSandboxBot;
  close(): Promise<void>;
}

/**
 * Start the WeCom stand-in and build the settings that point the product at it, exactly as a real
 * corp's settings would point it at WeCom (docs/sandbox.md).
 *
 * @param options the product's own origin once it listens (for callbacks and the login redirect check) and the clock.
 * @returns the settings, the sandbox's routes, and how to stop the stand-in.
 */
export async function startSandbox(options: { productOrigin: () => string; now: () => Date }): Promise<SandboxSetup> {
  const standIn = await startWeComStandIn({ now: options.now });
  // The sandbox's guides work their tasks in the sidebar as the day goes (some, not all).
  const taskWorker = startSandboxTaskWorker({ now: options.now });
  return {
    wecomApiBase: standIn.url,
    corpId: SANDBOX_CORP_ID,
    agentId: String(SANDBOX_AGENT_ID),
    secrets: { contact: SANDBOX_CONTACT_SECRET, agent: SANDBOX_AGENT_SECRET },
    callbackSecrets: { ...SANDBOX_CALLBACK_SECRETS },
    loginUrls: { oauth: "/sandbox/oauth/authorize", qr: "/sandbox/oauth/qr" },
    router: sandboxRouter({ callbackUrl: options.productOrigin, now: options.now, wecomApiBase: standIn.url }),
    startBot: startSandboxBot,
    close: async () => {
      taskWorker.stop();
      await standIn.close();
    },
  };
}
