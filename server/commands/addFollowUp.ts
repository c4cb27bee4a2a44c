import { z } from "zod";
import { Follow } from "../models/Follow.ts";
import type { WeComClient } from "../wecom/client.ts";
import autoTagger from "./autoTagger.ts";
import { ownEventDocument, recordEventDocument } from "./eventRecorder.ts";
import guideAddCounter from "./guideAddCounter.ts";
import { greetingTask } from "./taskEvents.ts";

/** The stored event type of an add's bookkeeping. */
export const ADD_FOLLOW_UP = "add_follow_up";

// A few shared lanes, not one per customer: at most this many of the processor's slots go to
// bookkeeping while a burst of adds lasts (the rest serve the adds' welcomes), each lane's backlog
// is read once per claim, and the lane list the processor sorts on every claim stays short. One
// customer's follow-ups always share a lane, so they run in the order of their adds.
const FOLLOW_UP_LANES = 2;

/**
 * @param externalUserId the customer.
 * @returns the follow-up lane of the customer's adds.
 */
export function followUpLane(externalUserId: string): string {
  // FNV-1a: a stable spread that costs nothing next to a round trip.
  let hash = 0x811c9dc5;
  for (let index = 0; index < externalUserId.length; index += 1) {
    hash = Math.imul(hash ^ externalUserId.charCodeAt(index), 0x01000193);
  }
  return `followup:${(hash >>> 0) % FOLLOW_UP_LANES}`;
}

const payloadSchema = z.object({
  ExternalUserID: z.string().min(1),
  UserID: z.string().min(1),
  State: z.string().optional(),
  /** The add's CreateTime (unix seconds): the greeting is due from it. */
  CreateTime: z.number().int(),
});
export type AddFollowUpPayload = z.infer<typeof payloadSchema>;

/**
 * Queue what an add sets off after its welcome (the add counted into the guide's 完成率, the
 * greeting task, the channel's tag rules) as an event of its own, on one of a few follow-up
 * lanes. The welcome has 20 s and this bookkeeping costs some 25 database round trips: done on
 * the add's lane, a burst of adds queued every later welcome behind it. Keyed by the add's own
 * key, so a retried add queues it once; stored before the add is marked done, so a process that
 * dies in between leaves the add to be retried, not this lost.
 *
 * @param payload the add's customer, guide, state and CreateTime.
 * @param addKey the add event's dedupe key.
 * @param now receive time.
 * @returns when it is stored and queued.
 */
export async function recordAddFollowUp(payload: AddFollowUpPayload, addKey: string, now: Date): Promise<void> {
  await recordEventDocument(
    ownEventDocument({ dedupeKey: `${ADD_FOLLOW_UP}:${addKey}`, type: ADD_FOLLOW_UP, orderKey: followUpLane(payload.ExternalUserID), createTime: payload.CreateTime, source: "internal", payload }, now),
  );
}

/**
 * Do an add's bookkeeping; each step is keyed, so running it twice converges. A follow the
 * customer ended before this ran gets no count and no greeting (there is nobody to greet).
 *
 * @param stored the stored payload.
 * @param context the WeCom client and the clock.
 * @returns when done.
 */
export async function addFollowUp(stored: unknown, context: { wecom: WeComClient; now: () => Date }): Promise<void> {
  const parsed = payloadSchema.safeParse(stored);
  if (!parsed.success) {
    return;
  }
  const { ExternalUserID: externalUserId, UserID: userId, State: state, CreateTime: createTime } = parsed.data;
  const follow = await Follow.findOne({ externalUserId, userId }, { status: 1, addedAt: 1 }).lean();
  if (follow?.status === "active") {
    await guideAddCounter({ externalUserId, userId, follow });
    // After the member link (done on the add itself), so the greeting's suggestion can name the member's level.
    await greetingTask({ externalUserId, userId, addedAt: new Date(createTime * 1000), now: context.now() });
  }
  if (state) {
    await autoTagger({ wecom: context.wecom, externalUserId, fact: { kind: "channel_state", state, userId }, now: context.now() });
  }
}
