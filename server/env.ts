import fs from "node:fs";
import { z } from "zod";
import { wechatPayProblems } from "./wechatpay/config.ts";

const optionalString = z
  .string()
  .trim()
  .transform((value) => (value === "" ? undefined : value))
  .optional();

const EnvSchema = z
  .object({
    /** development | test | production. Production refuses the embedded database and demands every secret. */
    NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
    /** HTTP port the server listens on. */
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    /** Interface to bind: loopback unless asked (0.0.0.0 in a container or behind a reverse proxy). */
    HOST: z.string().default("127.0.0.1"),
    /** The site's public origin (https://scrm.example.com): login redirects and the cross-site check use it. */
    PUBLIC_URL: optionalString.pipe(
      z
        .url()
        .refine((value) => /^https?:\/\/[^/?#]+\/?$/.test(value), "must be an origin such as https://scrm.example.com (no path)")
        .transform((value) => value.replace(/\/$/, ""))
        .optional(),
    ),
    /** 1: behind a reverse proxy that sets X-Forwarded-For/-Host/-Proto, so they are believed. */
    TRUST_PROXY: z
      .enum(["0", "1"])
      .default("0")
      .transform((value) => value === "1"),
    /** MongoDB connection string. Unset: the embedded database (mongod on PATH, else mongo-java-server). */
    MONGODB_URI: optionalString.pipe(z.url().optional()),
    /** Where the embedded database keeps its H2 file and pid file. */
    DATA_DIR: z.string().default(".data"),
    /** Backend of the embedded database: h2 (survives restarts) or memory (tests). */
    EMBEDDED_DB_BACKEND: z.enum(["h2", "memory"]).default("h2"),
    /** The corp id (企业ID); also the receive id checked in every decrypted callback. */
    WECOM_CORP_ID: optionalString,
    /** Token set on the callback URL in WeCom's admin console (≤32 letters/digits). */
    WECOM_CALLBACK_TOKEN: optionalString.pipe(
      z
        .string()
        .regex(/^[A-Za-z0-9]{1,32}$/, "must be 1–32 letters or digits")
        .optional(),
    ),
    /** EncodingAESKey set on the callback URL: exactly 43 letters/digits. */
    WECOM_CALLBACK_AES_KEY: optionalString.pipe(
      z
        .string()
        .regex(/^[A-Za-z0-9]{43}$/, "must be exactly 43 letters or digits")
        .optional(),
    ),
    /** Secret of the self-built app allowed to call the customer-contact APIs (客户联系 可调用接口的应用). */
    WECOM_CONTACT_SECRET: optionalString,
    /** Agent id of the self-built app (sidebar, OAuth, JS-SDK). */
    WECOM_AGENT_ID: optionalString.pipe(z.string().regex(/^\d+$/, "must be a number").optional()),
    /** Secret of that app; directory reads and OAuth use its token. */
    WECOM_AGENT_SECRET: optionalString,
    /** WeCom API host; tests and the local sandbox point it elsewhere. */
    WECOM_API_BASE: z.url().default("https://qyapi.weixin.qq.com"),
    /** WeCom's limit per corp per API per minute (§3.3: 10,000); bulk calls stay within WECOM_BULK_SHARE of it, across processes. */
    WECOM_RATE_PER_MINUTE: z.coerce.number().int("must be an integer").min(1, "must be ≥ 1").max(1_000_000, "must be ≤ 1000000").default(10_000),
    /** WeCom's limit per corp per API per hour (§3.3: 150,000). */
    WECOM_RATE_PER_HOUR: z.coerce.number().int("must be an integer").min(1, "must be ≥ 1").max(100_000_000, "must be ≤ 100000000").default(150_000),
    /** The part of each window bulk work (mass-message dispatch, syncs) may use, 0.1–1; the rest is kept for people waiting (sidebar, welcome messages, login). */
    WECOM_BULK_SHARE: z.coerce.number().min(0.1, "must be ≥ 0.1").max(1, "must be ≤ 1").default(0.8),
    /** Bearer token that grants full console-API access to scripts and integrations (≥16 chars). */
    SCRM_API_TOKEN: optionalString.pipe(z.string().min(16, "must be at least 16 characters").optional()),
    /** Signs the session cookie (≥32 chars). Unset outside production: a random one per start (sessions end on restart). */
    SESSION_SECRET: optionalString.pipe(z.string().min(32, "must be at least 32 characters").optional()),
    /** 32-byte key (base64 or 64 hex chars) protecting phone numbers: HMAC for matching, AES-GCM at rest. */
    DATA_ENCRYPTION_KEY: optionalString.pipe(
      z
        .string()
        .refine((value) => decodeKey(value) !== null, "must be 32 bytes as base64 or 64 hex characters")
        .optional(),
    ),
    /** pino level: fatal, error, warn, info, debug, trace or silent. */
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    /** How many times the event processor tries an event before keeping it as failed. */
    EVENT_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(6),
    /**
     * Lanes (customers, groups) the event processor works at once. A handler mostly waits on the
     * database and WeCom, so slots, not CPU, bound it: with 8, adds queued behind a flooded group
     * and welcomes took seconds (bench:welcome); 32 keeps them under 300 ms.
     */
    EVENT_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(32),
    /** Run the job scheduler (Agenda) in this process; jobs are locked in MongoDB, so several may. */
    SCHEDULER: z
      .enum(["0", "1"])
      .default("1")
      .transform((value) => value === "1"),
    /** 1: the local WeCom sandbox (docs/sandbox.md); 0: never. Unset: on exactly when no WeCom credential is set. */
    SANDBOX: z.enum(["0", "1"]).optional(),
    /** 1 lets the sandbox start with NODE_ENV=production (a demo server); refused otherwise. */
    SANDBOX_FORCE: z
      .enum(["0", "1"])
      .default("0")
      .transform((value) => value === "1"),
    /** WeChat Pay merchant id (商户号) that pays cash prizes. All WECHATPAY_* unset: cash prizes are off (the sandbox stands in). */
    WECHATPAY_MCHID: optionalString,
    /** The appid whose openids receive the money: the official account of WECHAT_MP_APPID, bound to the merchant. */
    WECHATPAY_APPID: optionalString,
    /** Serial number of the merchant API certificate (apiclient_cert.pem); names our signing key. */
    WECHATPAY_SERIAL_NO: optionalString,
    /** Merchant private key apiclient_key.pem: the PEM text (\n escapes allowed) or a file path. Never logged. */
    WECHATPAY_PRIVATE_KEY: optionalString,
    /** APIv3 key (32 characters) that decrypts notifications. Never logged. */
    WECHATPAY_APIV3_KEY: optionalString,
    /** WeChat Pay public key (PEM text or file path), for merchants on the public-key mode; goes with its id. */
    WECHATPAY_PLATFORM_PUBLIC_KEY: optionalString,
    /** The id of that public key, PUB_KEY_ID_…, as answers' Wechatpay-Serial name it. */
    WECHATPAY_PLATFORM_PUBLIC_KEY_ID: optionalString,
    /** Platform certificates (PEM text, or comma-separated file paths), for merchants on the certificate mode. */
    WECHATPAY_PLATFORM_CERTS: optionalString,
    /** WeChat Pay API host; tests point it elsewhere. */
    WECHATPAY_API_BASE: z.url().default("https://api.mch.weixin.qq.com"),
    /** Where WeChat Pay posts transfer results (https, no query). Default: ${PUBLIC_URL}/wechatpay/notify. */
    WECHATPAY_NOTIFY_URL: optionalString.pipe(z.url().optional()),
    /** Run the event processor in this process (0 for HTTP-only nodes). */
    EVENT_PROCESSOR: z
      .enum(["0", "1"])
      .default("1")
      .transform((value) => value === "1"),
    /** Group bot (docs/bot.md): the Wechaty puppet's npm name (wechaty-puppet-service, wechaty-puppet-wechat4u, ...). Unset: no bot. */
    WECHATY_PUPPET: optionalString.pipe(
      z
        .string()
        .regex(/^(@[a-z0-9-]+\/)?wechaty-puppet-[a-z0-9-]+$/, "must be a Wechaty puppet package name (wechaty-puppet-…)")
        .optional(),
    ),
    /** Token of a hosted puppet (wechaty-puppet-service); a secret, never logged. */
    WECHATY_PUPPET_SERVICE_TOKEN: optionalString,
    /** Official account (服务号) appid for WeChat web OAuth on the draw page (docs/draw-page.md). Unset: personal links only. */
    WECHAT_MP_APPID: optionalString,
    /** That official account's AppSecret; a secret, never logged. */
    WECHAT_MP_SECRET: optionalString,
    /** WeChat's API host for sns/oauth2/access_token; tests and the sandbox point it elsewhere. */
    WECHAT_API_BASE: z.url().default("https://api.weixin.qq.com"),
    /** WeChat's authorize page; tests and the sandbox point it at a stand-in. */
    WECHAT_OAUTH_AUTHORIZE_URL: z.url().default("https://open.weixin.qq.com/connect/oauth2/authorize"),
  });

// Rules that tie variables together; checked on the raw values so that they are reported
// together with the per-variable problems, not only once those are fixed.
function crossCheck(source: Record<string, string | undefined>): string[] {
  const has = (key: string) => (source[key] ?? "").trim() !== "";
  const production = source.NODE_ENV === "production";
  const problems: string[] = [];
  const callbackKeys = ["WECOM_CORP_ID", "WECOM_CALLBACK_TOKEN", "WECOM_CALLBACK_AES_KEY"];
  const sandbox = sandboxWanted(source);
  if (callbackKeys.some(has) || (production && !sandbox)) {
    for (const key of callbackKeys.filter((name) => !has(name))) {
      problems.push(`${key}: is required once any WeCom callback setting is given`);
    }
  }
  if (production && sandbox && source.SANDBOX_FORCE !== "1") {
    problems.push("SANDBOX: the local WeCom sandbox does not run with NODE_ENV=production (set SANDBOX_FORCE=1 for a demo server)");
  }
  // With nothing set, production would fall into sandbox mode: name everything a real corp needs
  // too, so the first boot lists the whole task, not only the sandbox refusal.
  if (production && (!sandbox || source.SANDBOX_FORCE !== "1")) {
    const required = ["MONGODB_URI", "SCRM_API_TOKEN", "WECOM_CONTACT_SECRET", "DATA_ENCRYPTION_KEY", "SESSION_SECRET", "PUBLIC_URL"];
    for (const key of (sandbox ? [...callbackKeys, ...required] : required).filter((name) => !has(name))) {
      problems.push(`${key}: is required in production`);
    }
    problems.push(...weakSecrets(source));
    if (has("PUBLIC_URL") && !(source.PUBLIC_URL ?? "").trim().startsWith("https://")) {
      problems.push("PUBLIC_URL: must be https:// in production (session cookies and WeCom's OAuth need it)");
    }
  }
  if ((source.WECHATY_PUPPET ?? "").trim() === "wechaty-puppet-service" && !has("WECHATY_PUPPET_SERVICE_TOKEN")) {
    problems.push("WECHATY_PUPPET_SERVICE_TOKEN: is required with WECHATY_PUPPET=wechaty-puppet-service");
  }
  if (has("WECHAT_MP_APPID") !== has("WECHAT_MP_SECRET")) {
    problems.push("WECHAT_MP_SECRET: WECHAT_MP_APPID and WECHAT_MP_SECRET go together");
  }
  problems.push(...wechatPayProblems(source));
  if (has("WECOM_AGENT_ID") !== has("WECOM_AGENT_SECRET")) {
    problems.push("WECOM_AGENT_SECRET: WECOM_AGENT_ID and WECOM_AGENT_SECRET go together");
  }
  return problems;
}

/**
 * Secrets a person typed to get past a length check ("aaaa…", an all-zero key) protect nothing.
 *
 * @param source the raw variables.
 * @returns one problem per weak secret.
 */
function weakSecrets(source: Record<string, string | undefined>): string[] {
  const problems: string[] = [];
  const distinct = (value: string) => new Set(value).size;
  for (const key of ["SCRM_API_TOKEN", "SESSION_SECRET"]) {
    const value = (source[key] ?? "").trim();
    if (value !== "" && distinct(value) < 8) {
      problems.push(`${key}: is too easy to guess (use \`openssl rand -hex 32\`)`);
    }
  }
  const key = decodeKey((source.DATA_ENCRYPTION_KEY ?? "").trim());
  if (key && new Set(key).size < 16) {
    problems.push("DATA_ENCRYPTION_KEY: is not random (use `openssl rand -base64 32`)");
  }
  return problems;
}

/**
 * The validated configuration; whether the local WeCom sandbox runs (see sandboxWanted); whether
 * a real corp's credentials are configured; and whether development aids (the development login,
 * the JS-SDK stand-in outside the sandbox) may exist, which they never do next to real credentials.
 */
export type Env = z.infer<typeof EnvSchema> & { sandbox: boolean; realCredentials: boolean; devAids: boolean };

const WECOM_CREDENTIALS = ["WECOM_CORP_ID", "WECOM_CONTACT_SECRET", "WECOM_AGENT_SECRET", "WECOM_CALLBACK_TOKEN", "WECOM_CALLBACK_AES_KEY"];

/**
 * Whether the local WeCom sandbox runs: when asked (SANDBOX=1), or when nothing of a real corp is
 * configured and it was not turned off (SANDBOX=0).
 *
 * @param source the raw variables.
 * @returns true for sandbox mode.
 */
export function sandboxWanted(source: Record<string, string | undefined>): boolean {
  if (source.SANDBOX === "1" || source.SANDBOX === "0") {
    return source.SANDBOX === "1";
  }
  return WECOM_CREDENTIALS.every((key) => (source[key] ?? "").trim() === "");
}

/**
 * @param value DATA_ENCRYPTION_KEY as given.
 * @returns the 32 key bytes, or null when the value is not a 32-byte key.
 */
export function decodeKey(value: string): Buffer | null {
  const bytes = /^[0-9a-fA-F]{64}$/.test(value) ? Buffer.from(value, "hex") : Buffer.from(value, "base64");
  return bytes.length === 32 ? bytes : null;
}

/** Raised at boot with every problem found in the environment. */
export class EnvError extends Error {
  override name = "EnvError";

  /**
   * @param problems one line per bad or missing variable.
   */
  constructor(public readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join("\n  - ")}`);
  }
}

/**
 * Parse and validate configuration.
 *
 * @param source variables to read, process.env by default.
 * @returns the typed configuration.
 * @throws EnvError listing every problem at once.
 */
export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  const result = EnvSchema.safeParse(source);
  const problems = [
    ...(result.success ? [] : result.error.issues.map((issue) => `${issue.path.join(".") || "env"}: ${issue.message}`)),
    ...crossCheck(source),
  ];
  if (result.success && problems.length === 0) {
    const realCredentials = WECOM_CREDENTIALS.some((key) => (source[key] ?? "").trim() !== "");
    return { ...result.data, sandbox: sandboxWanted(source), realCredentials, devAids: !realCredentials && result.data.NODE_ENV !== "production" };
  }
  throw new EnvError(problems);
}

/**
 * Load `.env` from the working directory into process.env (real environment wins), then parse.
 *
 * @returns the typed configuration.
 */
export function loadEnv(): Env {
  if (fs.existsSync(".env")) {
    const before = { ...process.env };
    process.loadEnvFile(".env");
    Object.assign(process.env, before);
  }
  return parseEnv(process.env);
}

/**
 * Whether the callback endpoint can work: token, AES key and corp id are all set.
 *
 * @param env parsed configuration.
 * @returns true when WeCom callbacks can be verified and decrypted.
 */
export function hasCallbackConfig(env: Env): env is Env & {
  WECOM_CORP_ID: string;
  WECOM_CALLBACK_TOKEN: string;
  WECOM_CALLBACK_AES_KEY: string;
} {
  return (
    env.WECOM_CORP_ID !== undefined &&
    env.WECOM_CALLBACK_TOKEN !== undefined &&
    env.WECOM_CALLBACK_AES_KEY !== undefined
  );
}
