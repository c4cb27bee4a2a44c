import autoTagger from "../commands/autoTagger.ts";
import customerSyncer from "../commands/customerSyncer.ts";
import corpTagMirror from "../commands/corpTagMirror.ts";
import directoryUpdater from "../commands/directoryUpdater.ts";
import followStatusUpdater from "../commands/followStatusUpdater.ts";
import groupUpdater from "../commands/groupUpdater.ts";
import memberLinkRefresher, { memberIdOfCustomer } from "../commands/memberLinkRefresher.ts";
import memberMatcher from "../commands/memberMatcher.ts";
import { currentProgram } from "../commands/programStore.ts";
import { AppError, WeComApiError } from "../errors.ts";
import type { EventAttrs } from "../models/Event.ts";
import type { ContactEvent, ExternalChatEvent, ExternalContactEvent } from "../wecom/callbackEvent.ts";
import type { WeComClient } from "../wecom/client.ts";

/** What a handler may use besides the event. */
export interface HandlerContext {
  wecom: WeComClient;
  now: () => Date;
}

/** Does the work one stored event asks for; must be idempotent (WeCom retries, processes die). */
export type EventHandler = (event: Pick<EventAttrs, "payload" | "createTime">, context: HandlerContext) => Promise<void>;

const handlers: Record<string, EventHandler> = {
  "change_external_contact:add_external_contact": ({ payload }, { wecom, now }) => syncCustomer(payload, wecom, now, true),
  "change_external_contact:add_half_external_contact": ({ payload }, { wecom, now }) =>
    syncCustomer(payload, wecom, now, true),
  "change_external_contact:edit_external_contact": ({ payload }, { wecom, now }) =>
    syncCustomer(payload, wecom, now, false),
  "change_external_contact:del_follow_user": ({ payload, createTime }) =>
    markFollow(payload as ExternalContactEvent, "deleted_by_customer", createTime),
  "change_external_contact:del_external_contact": ({ payload, createTime }) =>
    markFollow(payload as ExternalContactEvent, "deleted_by_employee", createTime),
  "change_external_contact:transfer_fail": ({ payload, createTime }) => {
    const event = payload as ExternalContactEvent;
    return followStatusUpdater({
      externalUserId: event.ExternalUserID,
      userId: event.UserID,
      status: null,
      at: new Date(createTime * 1000),
      transferFailReason: event.FailReason ?? "unknown",
    });
  },
  "change_external_chat:create": ({ payload }, { wecom, now }) =>
    groupUpdater({ wecom, event: payload as ExternalChatEvent, now: now() }),
  "change_external_chat:update": ({ payload }, { wecom, now }) =>
    groupUpdater({ wecom, event: payload as ExternalChatEvent, now: now() }),
  "change_external_chat:dismiss": ({ payload }, { wecom, now }) =>
    groupUpdater({ wecom, event: payload as ExternalChatEvent, now: now() }),
  "change_external_tag:*": async (_event, { wecom, now }) => {
    await corpTagMirror({ wecom, now: now() });
  },
  "change_contact:*": ({ payload }) => directoryUpdater({ event: payload as ContactEvent }),
};

/**
 * Find the handler for a stored event.
 *
 * @param type the event's type.
 * @param changeType its ChangeType, if any.
 * @returns the handler, or null for events we store but do not act on (messages, app events).
 */
export function handlerFor(type: string, changeType?: string | null): EventHandler | null {
  return handlers[`${type}:${changeType ?? ""}`] ?? handlers[`${type}:*`] ?? null;
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

async function syncCustomer(payload: unknown, wecom: WeComClient, now: () => Date, isAdd: boolean): Promise<void> {
  const event = payload as ExternalContactEvent;
  const customer = await customerSyncer({
    wecom,
    externalUserId: event.ExternalUserID,
    expectFollowOf: isAdd ? event.UserID : undefined,
    now: now(),
  });
  await linkMember(event.ExternalUserID, customer.unionid ?? null, now());
  if (isAdd && event.State) {
    await autoTagger({ wecom, externalUserId: event.ExternalUserID, fact: { kind: "channel_state", state: event.State, userId: event.UserID }, now: now() });
  }
}

// A customer whose unionid a member already has becomes that member's WeCom contact; the
// member's tags and guides follow the customer's follows.
async function linkMember(externalUserId: string, unionid: string | null, now: Date): Promise<void> {
  if (unionid) {
    const { program } = await currentProgram();
    await memberMatcher({ claims: { unionid, externalUserId }, sourceChannel: "wecom", via: "wecom", create: false, program, now }).catch(
      (error: unknown) => {
        // Two members for one person: left for a person to merge; the customer stays as it is.
        if (!(error instanceof AppError && error.status === 409)) {
          throw error;
        }
      },
    );
  }
  const memberId = await memberIdOfCustomer(externalUserId);
  if (memberId) {
    await memberLinkRefresher(memberId);
  }
}

async function markFollow(
  event: ExternalContactEvent,
  status: "deleted_by_customer" | "deleted_by_employee",
  createTime: number,
): Promise<void> {
  await followStatusUpdater({
    externalUserId: event.ExternalUserID,
    userId: event.UserID,
    status,
    at: new Date(createTime * 1000),
    byTransfer: event.Source === "DELETE_BY_TRANSFER",
  });
  const memberId = await memberIdOfCustomer(event.ExternalUserID);
  if (memberId) {
    await memberLinkRefresher(memberId);
  }
}
