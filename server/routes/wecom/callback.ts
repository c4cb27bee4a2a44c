import type Router from "@koa/router";
import { createRouter } from "../router.ts";
import type { Context } from "koa";
import getRawBody from "raw-body";
import appTextReply from "../../commands/appTextReply.ts";
import type { EventRecorder } from "../../commands/eventRecorder.ts";
import { CallbackRejectedError, NotConfiguredError, PayloadTooLargeError } from "../../errors.ts";
import type { Logger } from "../../logging/logger.ts";
import { inputOf, validate } from "../../middlewares/validate.ts";
import { openSealedMessage, type CallbackSecrets } from "../../wecom/callbackCrypto.ts";
import { parseCallbackEvent, parseEnvelope, type CallbackEvent } from "../../wecom/callbackEvent.ts";
import { sealedTextReply } from "../../wecom/passiveReply.ts";
import { withoutUnusedPersonalData } from "../../wecom/personalFields.ts";
import { CallbackDeliverSchema, CallbackVerifySchema } from "./schema.ts";

export const MAX_CALLBACK_BYTES = 1024 * 1024;

/**
 * How far a delivery's signed timestamp may be from the app's clock, either way. WeCom retries a
 * delivery within seconds to minutes (wecom-reference §1.6), whether a retry keeps its first
 * timestamp or gets a new one, and both sides keep network time; two hours leaves room for any
 * retry schedule and a badly skewed clock. Past it, a captured request is not taken again: a
 * replayed URL check would be answered, and a replayed event whose stored copy is gone would be
 * stored and processed anew (the dedupe key only remembers what is kept).
 */
export const TIMESTAMP_WINDOW_SECONDS = 2 * 60 * 60;

/**
 * How long a passive reply (an employee texting the app "任务") may take before the delivery is
 * answered "success" without it: WeCom waits 5 s (wecom-reference §1.6, §10.2), and the network
 * and the event's storing come out of the same 5 s.
 */
export const REPLY_DEADLINE_MS = 3000;

interface Options {
  /** Null when WeCom is not configured: the endpoint then answers 503. */
  secrets: CallbackSecrets | null;
  /** Stores and queues events (group commit). */
  recorder: EventRecorder;
  now: () => Date;
  /** Override of REPLY_DEADLINE_MS (tests). */
  replyDeadlineMs?: number;
}

/**
 * `GET|POST /wecom/callback`: URL verification and event delivery (wecom-reference §1).
 * A delivery is answered only after its event is stored; processing happens later.
 *
 * @param options secrets, the event recorder and the clock.
 * @returns the router.
 */
export function callbackRouter({ secrets, recorder, now, replyDeadlineMs = REPLY_DEADLINE_MS }: Options): Router {
  const router = createRouter();
  const requireSecrets = (): CallbackSecrets => {
    if (!secrets) {
      throw NotConfiguredError("WeCom callback is not configured (WECOM_CORP_ID, WECOM_CALLBACK_TOKEN, WECOM_CALLBACK_AES_KEY)");
    }
    return secrets;
  };

  router.get("/wecom/callback", validate(CallbackVerifySchema), async (ctx) => {
    const { query } = inputOf(ctx, CallbackVerifySchema);
    const active = requireSecrets();
    assertRecent(query.timestamp, now());
    const echo = openSealedMessage(active, {
      signature: query.msg_signature,
      timestamp: query.timestamp,
      nonce: query.nonce,
      encrypted: query.echostr,
    });
    // WeCom compares the body byte for byte: no quotes, newline or JSON.
    ctx.type = "text/plain";
    ctx.body = echo;
  });

  router.post("/wecom/callback", validate(CallbackDeliverSchema), async (ctx) => {
    const { query } = inputOf(ctx, CallbackDeliverSchema);
    const active = requireSecrets();
    // Before reading the body: a stale request costs neither the read nor the decryption.
    assertRecent(query.timestamp, now());
    const body = await readBody(ctx);
    const opened = openSealedMessage(active, {
      signature: query.msg_signature,
      timestamp: query.timestamp,
      nonce: query.nonce,
      encrypted: parseEnvelope(body),
    });
    // Past this point the message is WeCom's: it is stored (maybe as ignored), never refused.
    const xml = withoutUnusedPersonalData(opened);
    const event = parseCallbackEvent(xml);
    const { stored, dedupeKey } = await recorder.record({ event, raw: xml, now: now() });
    (ctx.state.log as Logger).info(
      {
        type: event.type === "ignored" ? event.storedType : event.type,
        changeType: event.payload.ChangeType,
        dedupeKey,
        duplicate: !stored,
        // The field at fault only: the rest of a reason may quote the message.
        ...(event.type === "ignored" ? { ignoredField: event.reason.split(":")[0] } : {}),
      },
      stored ? "callback stored" : "callback retry, already stored",
    );
    // A retry (WeCom did not get the first answer) is answered again.
    const reply = await replyWithin(event, now(), replyDeadlineMs, ctx.state.log as Logger);
    if (reply !== null && event.type === "other") {
      ctx.type = "text/xml";
      ctx.body = sealedTextReply(active, { toUser: event.payload.FromUserName, content: reply, timestamp: query.timestamp, nonce: query.nonce });
      return;
    }
    ctx.type = "text/plain";
    ctx.body = "success";
  });

  return router;
}

/**
 * The app's answer to a stored message, if it has one and finds it in time; an error or a slow
 * answer leaves the delivery answered "success" (the message is stored either way).
 */
async function replyWithin(event: CallbackEvent, now: Date, deadlineMs: number, log: Logger): Promise<string | null> {
  if (event.type !== "other") {
    return null;
  }
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => {
    timer = setTimeout(() => {
      log.warn({ msgType: event.payload.MsgType }, "passive reply too slow, answered success");
      resolve(null);
    }, deadlineMs);
  });
  try {
    return await Promise.race([appTextReply(event.payload, now), late]);
  } catch (error) {
    log.error({ err: error }, "passive reply failed, answered success");
    return null;
  } finally {
    clearTimeout(timer);
  }
}

function assertRecent(timestamp: string, now: Date): void {
  const skewSeconds = Math.abs(Number(timestamp) - now.getTime() / 1000);
  if (!(skewSeconds <= TIMESTAMP_WINDOW_SECONDS)) {
    throw CallbackRejectedError(`timestamp: more than ${TIMESTAMP_WINDOW_SECONDS / 3600} hours from the server's clock`);
  }
}

async function readBody(ctx: Context): Promise<string> {
  try {
    return await getRawBody(ctx.req, { limit: MAX_CALLBACK_BYTES, encoding: "utf8" });
  } catch (error) {
    if ((error as { type?: string }).type === "entity.too.large") {
      throw PayloadTooLargeError(`body: larger than ${MAX_CALLBACK_BYTES} bytes`);
    }
    throw CallbackRejectedError(`body: ${(error as Error).message}`);
  }
}
