import Koa from "koa";
import { EventRecorder } from "./commands/eventRecorder.ts";
import { errorHandler } from "./middlewares/errorHandler.ts";
import { requestLogger } from "./middlewares/requestLogger.ts";
import { consoleRouter } from "./routes/console/index.ts";
import { healthRouter } from "./routes/health.ts";
import { callbackRouter } from "./routes/wecom/callback.ts";
import type { CallbackSecrets } from "./wecom/callbackCrypto.ts";
import type { WeComClient } from "./wecom/client.ts";

export interface AppOptions {
  /** Callback token, AES key and corp id; null when WeCom is not configured. */
  callbackSecrets: CallbackSecrets | null;
  /** SCRM_API_TOKEN. */
  apiToken: string | undefined;
  /** The one WeCom client. */
  wecom: WeComClient;
  /** Told when a callback stored a new event. */
  onEventStored?: () => void;
  now?: () => Date;
}

/**
 * Build the Koa application (no listening, no database connection: main.ts and the tests do that).
 *
 * @param options secrets, token and hooks.
 * @returns the app.
 */
export function createApp(options: AppOptions): Koa {
  const app = new Koa();
  app.proxy = true;
  const now = options.now ?? (() => new Date());
  const routers = [
    healthRouter(),
    callbackRouter({
      secrets: options.callbackSecrets,
      recorder: new EventRecorder({ onStored: options.onEventStored }),
      now,
    }),
    consoleRouter({ apiToken: options.apiToken, now, wecom: options.wecom }),
  ];
  app.use(requestLogger());
  app.use(errorHandler());
  for (const router of routers) {
    app.use(router.routes());
    app.use(router.allowedMethods());
  }
  // Errors thrown outside the middleware chain (socket errors) must not print to stderr raw.
  app.silent = true;
  return app;
}
