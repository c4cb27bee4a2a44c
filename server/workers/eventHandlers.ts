import { ADD_FOLLOW_UP, addFollowUp, recordAddFollowUp } from "../commands/addFollowUp.ts";
import { botHandlerFor } from "../bot/botHandlers.ts";
import channelCodeAddHandler from "../commands/channelCodeAddHandler.ts";
import channelCodeGuideRemover from "../commands/channelCodeGuideRemover.ts";
import corpTagMirror from "../commands/corpTagMirror.ts";
import customerMemberLinker from "../commands/customerMemberLinker.ts";
import customerSyncer from "../commands/customerSyncer.ts";
import directoryUpdater from "../commands/directoryUpdater.ts";
import followStatusUpdater from "../commands/followStatusUpdater.ts";
import funnelJoinRecorder from "../commands/funnelJoinRecorder.ts";
import groupDailyCounter from "../commands/groupDailyCounter.ts";
import groupUpdater from "../commands/groupUpdater.ts";
import lossRecorder from "../commands/lossRecorder.ts";
import { WeComApiError } from "../errors.ts";
import type { EventAttrs } from "../models/Event.ts";
import { dedupeKeyOf, readStoredEvent, type KnownCallbackEvent } from "../wecom/callbackEvent.ts";
import type { WeComClient } from "../wecom/client.ts";

/** What a handler may use besides the event. */
export interface HandlerContext {
  wecom: WeComClient;
  now: () => Date;
  /** The self-built app's agentid, where one is configured: loss alerts go out as its app messages. */
  agentId?: string | undefined;
}

/** Does the work one stored event asks for; must be idempotent (WeCom retries, processes die). */
export type EventHandler = (event: Pick<EventAttrs, "payload" | "createTime">, context: HandlerContext) => Promise<void>;

type Payload<T extends KnownCallbackEvent["type"]> = Extract<KnownCallbackEvent, { type: T }>["payload"];
/** A handler of one event type, given its parsed payload. */
type TypedHandler<P> = (event: { payload: P; createTime: number }, context: HandlerContext) => Promise<void>;
/** Per event type, handlers by ChangeType ("*" for every change type of that event). */
type Registry = { [T in KnownCallbackEvent["type"]]: Partial<Record<Payload<T>["ChangeType"] | "*", TypedHandler<Payload<T>>>> };

const registry: Registry = {
  change_external_contact: {
    add_external_contact: ({ payload, createTime }, context) => syncCustomer(payload, context, createTime),
    add_half_external_contact: ({ payload, createTime }, context) => syncCustomer(payload, context, createTime),
    edit_external_contact: ({ payload }, context) => syncCustomer(payload, context),
    del_follow_user: async ({ payload, createTime }, context) => {
      await markFollow(payload, "deleted_by_customer", createTime, context);
      await lossRecorder({ wecom: context.wecom, agentId: context.agentId, externalUserId: payload.ExternalUserID, userId: payload.UserID, deletedAt: new Date(createTime * 1000) });
    },
    del_external_contact: ({ payload, createTime }, context) => markFollow(payload, "deleted_by_employee", createTime, context),
    transfer_fail: ({ payload, createTime }) =>
      followStatusUpdater({
        externalUserId: payload.ExternalUserID,
        userId: payload.UserID,
        status: null,
        at: new Date(createTime * 1000),
        transferFailReason: payload.FailReason ?? "unknown",
      }),
  },
  change_external_chat: {
    create: ({ payload }, { wecom, now }) => groupUpdater({ wecom, event: payload, now: now() }),
    update: async ({ payload }, { wecom, now, agentId }) => {
      await groupUpdater({ wecom, event: payload, now: now() });
      await groupDailyCounter({ event: payload });
      await funnelJoinRecorder({ wecom, event: payload, now: now(), agentId });
    },
    dismiss: ({ payload }, { wecom, now }) => groupUpdater({ wecom, event: payload, now: now() }),
  },
  change_external_tag: {
    "*": async (_event, { wecom, now }) => {
      await corpTagMirror({ wecom, now: now() });
    },
  },
  change_contact: {
    "*": ({ payload }) => directoryUpdater({ event: payload }),
    delete_user: async ({ payload }, { wecom, now }) => {
      await directoryUpdater({ event: payload });
      if (payload.UserID) {
        await channelCodeGuideRemover({ wecom, userId: payload.UserID, now: now() });
      }
    },
  },
};

/**
 * Find the handler for a stored event: the registry's entry for its type and ChangeType, which
 * reads the stored payload through the event's schema before it runs.
 *
 * @param type the event's type.
 * @param changeType its ChangeType, if any.
 * @returns the handler, or null for events we store but do not act on (messages, app events).
 */
export function handlerFor(type: string, changeType?: string | null): EventHandler | null {
  if (type === ADD_FOLLOW_UP) {
    return (event, context) => addFollowUp(event.payload, context);
  }
  if (!isHandled(type)) {
    // The group bot's events (bot_room_join, bot_room_message) have their own schemas and handlers.
    return botHandlerFor(type);
  }
  const table: Partial<Record<string, unknown>> = registry[type];
  if (!table[changeType ?? ""] && !table["*"]) {
    return null;
  }
  return (event, context) => {
    const stored = readStoredEvent(type, event.payload);
    return stored ? dispatch(stored, event.createTime, context) : Promise.resolve();
  };
}

// Own keys only: an Event named "constructor" is not one of ours.
function isHandled(type: string): type is keyof Registry {
  return Object.hasOwn(registry, type);
}

// One case per event type, so each table is called with its own payload type.
function dispatch(stored: KnownCallbackEvent, createTime: number, context: HandlerContext): Promise<void> {
  switch (stored.type) {
    case "change_external_contact":
      return run(registry.change_external_contact, stored.payload, createTime, context);
    case "change_external_chat":
      return run(registry.change_external_chat, stored.payload, createTime, context);
    case "change_external_tag":
      return run(registry.change_external_tag, stored.payload, createTime, context);
    case "change_contact":
      return run(registry.change_contact, stored.payload, createTime, context);
  }
}

async function run<P extends { ChangeType: string }>(table: Partial<Record<string, TypedHandler<P>>>, payload: P, createTime: number, context: HandlerContext): Promise<void> {
  const handler = table[payload.ChangeType] ?? table["*"];
  await handler?.({ payload, createTime }, context);
}

// Retrying cannot change these answers: the customer or employee is gone or out of our range.
const PERMANENT_ERRCODES = new Set([40003, 40096, 48002, 60011, 60111, 84061, 84074]);

/**
 * Whether retrying an error is pointless.
 *
 * @param error what the handler threw.
 * @returns true for WeCom answers that will not change on retry.
 */
export function isPermanentError(error: unknown): boolean {
  return error instanceof WeComApiError && PERMANENT_ERRCODES.has(error.errcode);
}

/** An add (with its CreateTime) or an edit (without) of a customer: the sync, and for an add its welcome and follow-up. */
async function syncCustomer(event: Payload<"change_external_contact">, { wecom, now }: HandlerContext, addedAt?: number): Promise<void> {
  const customer = await customerSyncer({
    wecom,
    externalUserId: event.ExternalUserID,
    expectFollowOf: addedAt === undefined ? undefined : event.UserID,
    now: now(),
  });
  const add = addedAt === undefined ? null : { createTime: addedAt, key: dedupeKeyOf({ type: "change_external_contact", payload: event }) };
  // Right after the customer is known (the welcome names them) and before the rest: WeCom takes a welcome for 20 s only.
  if (add) {
    await channelCodeAddHandler({ wecom, event, customerName: customer.name ?? null, dedupeKey: add.key, createTime: add.createTime, now });
  }
  await customerMemberLinker({ externalUserId: event.ExternalUserID, unionid: customer.unionid ?? null, now: now() });
  if (add) {
    // The rest of an add (完成率, the greeting task, tag rules) waits behind the other adds' welcomes.
    await recordAddFollowUp({ ExternalUserID: event.ExternalUserID, UserID: event.UserID, ...(event.State ? { State: event.State } : {}), CreateTime: add.createTime }, add.key, now());
  }
}

async function markFollow(
  event: Payload<"change_external_contact">,
  status: "deleted_by_customer" | "deleted_by_employee",
  createTime: number,
  { now }: HandlerContext,
): Promise<void> {
  await followStatusUpdater({
    externalUserId: event.ExternalUserID,
    userId: event.UserID,
    status,
    at: new Date(createTime * 1000),
    byTransfer: event.Source === "DELETE_BY_TRANSFER",
  });
  await customerMemberLinker({ externalUserId: event.ExternalUserID, unionid: null, now: now() });
}
