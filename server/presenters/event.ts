import type { Types } from "mongoose";
import type { EventAttrs, EventStatus } from "../models/Event.ts";

export interface PresentedEvent {
  id: string;
  type: string;
  changeType: string | null;
  orderKey: string;
  status: EventStatus;
  attempts: number;
  createTime: number;
  receivedAt: string;
  processedAt: string | null;
  nextAttemptAt: string | null;
  lastError: { message: string; errcode: number | null; path: string | null; at: string | null } | null;
}

/**
 * A stored event for the operations view; the payload (personal data) is not included.
 *
 * @param event the stored event.
 * @returns the public shape.
 */
export function presentEvent(event: EventAttrs & { _id: Types.ObjectId }): PresentedEvent {
  const error = event.lastError;
  return {
    id: String(event._id),
    type: event.type,
    changeType: event.changeType ?? null,
    orderKey: event.orderKey,
    status: event.status,
    attempts: event.attempts ?? 0,
    createTime: event.createTime,
    receivedAt: event.receivedAt.toISOString(),
    processedAt: event.processedAt ? event.processedAt.toISOString() : null,
    nextAttemptAt: event.status === "pending" ? event.nextAttemptAt.toISOString() : null,
    lastError: error
      ? {
          message: error.message ?? "",
          errcode: error.errcode ?? null,
          path: error.path ?? null,
          at: error.at ? error.at.toISOString() : null,
        }
      : null,
  };
}
