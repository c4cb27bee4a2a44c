import pino, { type Logger, type LoggerOptions } from "pino";

/** Where a log line comes from; a closed set so lines can be filtered reliably. */
export type LogCategory = "lifecycle" | "http" | "wecom" | "callback" | "processor" | "job" | "db" | "wechatpay";

// Keys whose values never reach a log line: secrets, tokens and personal data (PIPL).
const SENSITIVE_KEYS = [
  "access_token",
  "accessToken",
  "secret",
  "corpsecret",
  "token",
  "authorization",
  "cookie",
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

// Error messages are written by libraries that quote what they were given: a duplicate key
// names the identity (`unionid:o…`), a failed request echoes its URL with the token, a parse
// error may quote the body. Whatever reaches a line through an error is masked here.
const SCRUBS: [RegExp, string][] = [
  [/(access_token|corpsecret|secret|token)=[^&\s"'\\]*/gi, "$1=[redacted]"],
  [/(unionid[:=]\s*)[^\s"'\\,}]+/gi, "$1[redacted]"],
  [/(scrm_sid(?:\.sig)?=)[^;\s"'\\]+/g, "$1[redacted]"],
  [/(?<!\d)(\+?86[\s-]?)?1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}(?!\d)/g, "[phone]"],
];

/**
 * Mask tokens, secrets, session cookies, unionids and phone numbers inside free text.
 *
 * @param text a message or stack.
 * @returns the text with those values replaced.
 */
export function scrubText(text: string): string {
  return SCRUBS.reduce((masked, [pattern, replacement]) => masked.replace(pattern, replacement), text);
}

/** What a logged error may say about itself. */
export interface SerializedError {
  type: string;
  message: string;
  stack?: string;
  code?: string | number;
  status?: number;
  cause?: SerializedError;
}

/**
 * Serialize an error as its type, message, stack, code and status only. pino's standard
 * serializer copies every own property, and libraries hang the request on their errors:
 * co-body puts the raw body (tokens, phones) on `body`, axios the config with the token.
 *
 * @param value what was logged under `err`.
 * @param depth how many causes deep this is.
 * @returns the safe shape.
 */
export function serializeError(value: unknown, depth = 0): SerializedError {
  if (!(value instanceof Error)) {
    return { type: typeof value, message: scrubText(typeof value === "string" ? value : "non-error thrown") };
  }
  const { code, status, statusCode } = value as { code?: unknown; status?: unknown; statusCode?: unknown };
  const serialized: SerializedError = { type: value.name || value.constructor.name, message: scrubText(value.message) };
  if (value.stack) {
    serialized.stack = scrubText(value.stack);
  }
  if (typeof code === "string" || typeof code === "number") {
    serialized.code = code;
  }
  const httpStatus = typeof status === "number" ? status : statusCode;
  if (typeof httpStatus === "number") {
    serialized.status = httpStatus;
  }
  if (value.cause !== undefined && depth < 3) {
    serialized.cause = serializeError(value.cause, depth + 1);
  }
  return serialized;
}

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
    serializers: { err: serializeError },
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
