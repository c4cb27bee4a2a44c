// What every sandbox action needs: where WeCom's callbacks go and the clock. Each action changes
// WeCom's side of the world first (the stand-in's sandbox_* state) and then tells the product what
// WeCom would tell it — a signed, encrypted callback to /wecom/callback — dated when it happened.
import { createCallbackSender, type CallbackSender } from "../callbackSender.ts";

/** Where WeCom's callbacks go, and the clock. */
export interface SandboxContext {
  /** The product's origin (`/wecom/callback` is appended) or its full callback URL. */
  callbackUrl: string;
  now: () => Date;
  /** The WeCom API stand-in's origin, for the channel codes' QR image URLs. */
  wecomApiBase?: string;
}

export const DAY_MS = 86_400_000;

/**
 * The callbacks of something that happened at `at`: CreateTime says when, and each delivery is
 * signed with the time it is sent.
 *
 * @param context the callback URL.
 * @param at when the event happened.
 * @returns the sender.
 */
export function callbacksAt(context: SandboxContext, at: Date): CallbackSender {
  return createCallbackSender(context.callbackUrl, { createdAt: at });
}
