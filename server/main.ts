import crypto from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Server } from "node:http";
import type { Db } from "mongodb";
import mongoose from "mongoose";
import { createApp } from "./app.ts";
import { connectDatabase } from "./db/connection.ts";
import { decodeKey, EnvError, hasCallbackConfig, loadEnv } from "./env.ts";
import { configureLogger, getLogger } from "./logging/logger.ts";
import "./models/index.ts";
import { configurePersonalData } from "./security/personalData.ts";
import { configureDrawOrigin } from "./security/drawTokens.ts";
import { sandboxWeChatOAuth } from "./sandbox/wechatOAuth.ts";
import { wechatOAuthConfig } from "./wechat/oauth.ts";
import { startScheduler } from "./jobs/scheduler.ts";
import { configureWeChatPay } from "./commands/cashPayout.ts";
import { sandboxWeChatPayConfig } from "./sandbox/wechatpay/keys.ts";
import { WeChatPayClient } from "./wechatpay/client.ts";
import { wechatPayConfigFromEnv } from "./wechatpay/config.ts";
import { startSandbox } from "./sandbox/boot.ts";
import { startBotService } from "./bot/botService.ts";
import { mongoRateWindowStore } from "./commands/wecomRateWindows.ts";
import { WeComClient } from "./wecom/client.ts";
import { WeComRateLimiter } from "./wecom/rateLimiter.ts";
import { EventProcessor } from "./workers/eventProcessor.ts";

const FRONTEND_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "sidebar", "dist");

async function main(): Promise<void> {
  let env;
  try {
    env = loadEnv();
  } catch (error) {
    if (error instanceof EnvError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  configureLogger(env.LOG_LEVEL);
  const log = getLogger("lifecycle");
  if (env.sandbox) {
    // First lines a newcomer reads: they are not talking to a real WeCom.
    log.warn("沙箱模式 SANDBOX MODE: WeCom is simulated on this machine (no WeCom credentials configured, or SANDBOX=1); see docs/sandbox.md");
  }
  if (env.DATA_ENCRYPTION_KEY) {
    configurePersonalData(decodeKey(env.DATA_ENCRYPTION_KEY) as Buffer);
  } else {
    log.warn("DATA_ENCRYPTION_KEY not set: phone numbers are protected with a development key");
  }
  log.info({ nodeEnv: env.NODE_ENV, port: env.PORT, sandbox: env.sandbox }, "starting SCRM server");

  const database = await connectDatabase({
    uri: env.MONGODB_URI,
    backend: env.EMBEDDED_DB_BACKEND,
    dataDir: env.DATA_DIR,
  });

  let port = env.PORT;
  const sandbox = env.sandbox ? await startSandbox({ productOrigin: () => `http://127.0.0.1:${port}`, now: () => new Date() }) : null;
  // In sandbox mode the product is configured for the stand-in exactly as for a real corp.
  const corp = sandbox
    ? { apiBase: sandbox.wecomApiBase, corpId: sandbox.corpId, agentId: sandbox.agentId, secrets: sandbox.secrets }
    : { apiBase: env.WECOM_API_BASE, corpId: env.WECOM_CORP_ID, agentId: env.WECOM_AGENT_ID, secrets: { contact: env.WECOM_CONTACT_SECRET, agent: env.WECOM_AGENT_SECRET } };
  // One limiter for every WeCom call of this process, counting in the database with the others.
  const limiter = new WeComRateLimiter({ perMinute: env.WECOM_RATE_PER_MINUTE, perHour: env.WECOM_RATE_PER_HOUR, bulkShare: env.WECOM_BULK_SHARE, store: mongoRateWindowStore });
  const wecom = new WeComClient({ baseUrl: corp.apiBase, corpId: corp.corpId ?? "", secrets: corp.secrets, limiter });
  const processor = env.EVENT_PROCESSOR
    ? new EventProcessor({ context: { wecom, now: () => new Date(), agentId: corp.agentId }, maxAttempts: env.EVENT_MAX_ATTEMPTS, concurrency: env.EVENT_CONCURRENCY })
    : null;

  // Cash prizes (docs/wechatpay.md): the merchant's credentials, else the sandbox's stand-in, else off.
  // Set before the scheduler, whose poll jobs use it.
  const realPay = wechatPayConfigFromEnv(env);
  const sandboxPay = !realPay && sandbox !== null;
  const payConfig = realPay ?? (sandboxPay ? sandboxWeChatPayConfig(`http://127.0.0.1:${env.PORT}`) : null);
  configureWeChatPay(payConfig ? new WeChatPayClient(payConfig) : null);
  if (realPay) {
    log.info({ mchId: realPay.mchId }, "WeChat Pay configured: cash prizes are paid by transfer bills");
  } else if (sandboxPay) {
    log.warn("WeChat Pay: the sandbox stand-in (/sandbox/wechatpay) answers for it; no money moves");
  } else {
    log.warn("WeChat Pay not configured (WECHATPAY_*): cash prizes cannot be created");
  }

  // The jobs share this object: its publicUrl is completed below once the port is known (PORT=0).
  const jobContext = { wecom, now: () => new Date(), agentId: corp.agentId, publicUrl: env.PUBLIC_URL };
  const scheduler = env.SCHEDULER ? await startScheduler(mongoose.connection.db as Db, jobContext) : null;

  const callbackSecrets = sandbox
    ? sandbox.callbackSecrets
    : hasCallbackConfig(env)
      ? { token: env.WECOM_CALLBACK_TOKEN, aesKey: env.WECOM_CALLBACK_AES_KEY, receiveId: env.WECOM_CORP_ID }
      : null;
  if (!callbackSecrets) {
    log.warn("WeCom callback not configured: /wecom/callback answers 503 until WECOM_* variables are set");
  }
  // One first-admin story, told the same way here, on the login page and in README.
  if (sandbox) {
    log.info("首位管理员：沙箱中第一个在控制台扫码登录的人成为管理员 (the first console login in the sandbox becomes admin)");
  } else if (!env.SCRM_API_TOKEN) {
    log.warn("SCRM_API_TOKEN not set: scripts cannot use the console API, and no first admin can be made (set it, then 控制台登录页 → 首次初始化管理员)");
  }
  if (env.realCredentials && env.NODE_ENV !== "production") {
    log.warn(`NODE_ENV=${env.NODE_ENV} with WeCom credentials set: development aids (development login, JS-SDK stand-in) are off`);
  }
  if (!env.SESSION_SECRET) {
    log.warn("SESSION_SECRET not set: sessions are signed with a random key and end when the server restarts");
  }

  // The draw page's WeChat OAuth: the configured official account, else in the sandbox its stand-in
  // (its API base is this server, whose port is known once listening: set below).
  const wechatOAuth = wechatOAuthConfig(env) ?? (sandbox ? sandboxWeChatOAuth(`http://127.0.0.1:${env.PORT}`) : null);
  const app = createApp({
    callbackSecrets,
    apiToken: env.SCRM_API_TOKEN,
    wecom,
    sessionKeys: [env.SESSION_SECRET ?? crypto.randomBytes(32).toString("hex")],
    corpId: corp.corpId,
    agentId: corp.agentId,
    // The sandbox logs people in through its WeCom login stand-in, as WeCom would.
    // Development aids exist only where no real corp's credentials are configured.
    devLogin: env.devAids && env.NODE_ENV === "development" && !sandbox,
    standIn: !env.realCredentials && (env.NODE_ENV !== "production" || sandbox !== null),
    trustProxy: env.TRUST_PROXY,
    publicUrl: env.PUBLIC_URL,
    loginUrls: sandbox?.loginUrls,
    firstLoginAdmin: sandbox !== null,
    sandboxRouter: sandbox?.router ?? null,
    imageOrigins: sandbox ? [sandbox.wecomApiBase] : [],
    frontendDir: FRONTEND_DIR,
    wechatOAuth,
    onEventStored: () => processor?.kick(),
  });
  const server: Server = await new Promise((resolve, reject) => {
    const listening = app.listen(env.PORT, env.HOST, () => resolve(listening));
    listening.once("error", reject);
  });
  processor?.start();
  const address = server.address();
  port = typeof address === "object" && address ? address.port : env.PORT;
  if (sandboxPay && port !== env.PORT) {
    configureWeChatPay(new WeChatPayClient(sandboxWeChatPayConfig(`http://127.0.0.1:${port}`)));
  }
  configureDrawOrigin(`http://localhost:${port}`);
  jobContext.publicUrl ??= `http://localhost:${port}`;
  if (sandbox && wechatOAuth && !wechatOAuthConfig(env)) {
    wechatOAuth.apiBase = sandboxWeChatOAuth(`http://127.0.0.1:${port}`).apiBase;
  }
  // The group bot (docs/bot.md): on the configured puppet, else the sandbox's on the mock puppet.
  const botOptions = { origin: env.PUBLIC_URL ?? `http://localhost:${port}`, now: () => new Date(), onStored: () => processor?.kick() };
  const bot = env.WECHATY_PUPPET
    ? startBotService({ ...botOptions, puppet: env.WECHATY_PUPPET, puppetName: env.WECHATY_PUPPET, token: env.WECHATY_PUPPET_SERVICE_TOKEN })
    : sandbox && processor
      ? await sandbox.startBot(botOptions)
      : null;
  log.info({ port, processor: processor !== null, scheduler: scheduler !== null }, `listening on http://localhost:${port} (callback: /wecom/callback)`);
  log.info(`console: http://localhost:${port}/console/  sidebar: http://localhost:${port}/sidebar/`);
  if (sandbox) {
    log.warn(`沙箱 sandbox page: http://localhost:${port}/sandbox/  (npm run demo fills it with a believable brand)`);
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) {
      return;
    }
    stopping = true;
    log.info({ signal }, "shutting down");
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    await closed;
    await bot?.stop();
    await processor?.stop();
    await scheduler?.stop();
    await sandbox?.close();
    await database.close();
    log.info("stopped");
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
}

main().catch((error: unknown) => {
  getLogger("lifecycle").fatal({ err: error }, "failed to start");
  process.exit(1);
});
