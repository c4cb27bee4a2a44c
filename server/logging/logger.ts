import pino, { type Logger, type LoggerOptions } from "pino";

/** Where a log line comes from; a closed set so lines can be filtered reliably. */
export type LogCategory = "lifecycle" | "http" | "wecom" | "callback" | "processor" | "job" | "db";

// Keys whose values never reach a log line: secrets, tokens and personal data (PIPL).
const SENSITIVE_KEYS = [
  "access_token",
  "accessToken",
  "secret",
  "corpsecret",
  "token",
  "authorization",
  "EncodingAESKey",
  "aesKey",
  "mobile",
  "Mobile",
  "phone",
  "remark_mobiles",
  "unionid",
  "unionId",
  "ticket",
  "password",
];

const redactPaths = SENSITIVE_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`, `*.*.*.${key}`]).concat([
  'req.headers["authorization"]',
  'req.headers["cookie"]',
]);

/**
 * Options shared by every logger the process creates.
 *
 * @param level pino level.
 * @returns pino options with redaction.
 */
export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    base: { pid: process.pid },
    redact: { paths: redactPaths, censor: "[redacted]" },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
}

let root: Logger = pino(loggerOptions("info"));

/**
 * Replace the root logger (called once at boot with the validated LOG_LEVEL).
 *
 * @param level pino level.
 * @param destination where lines go (stdout by default).
 */
export function configureLogger(level: string, destination?: pino.DestinationStream): void {
  root = destination ? pino(loggerOptions(level), destination) : pino(loggerOptions(level));
}

/**
 * A logger for one part of the system.
 *
 * @param category where the lines come from.
 * @param bindings extra fields on every line (request id, event id, ...).
 * @returns a pino child logger.
 */
export function getLogger(category: LogCategory, bindings: Record<string, unknown> = {}): Logger {
  return root.child({ category, ...bindings });
}

/**
 * Strip the query string (which may carry access_token) from a URL before logging it.
 *
 * @param url full or relative URL.
 * @returns the URL without its query.
 */
export function safeUrl(url: string): string {
  const index = url.indexOf("?");
  return index === -1 ? url : url.slice(0, index);
}

export type { Logger };
