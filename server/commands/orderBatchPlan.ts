// The bulk order import worked out in memory: which member each row goes to, what it credits,
// and the one update per member. No database access here; orderBatchImporter reads and writes.
import type { Document } from "mongodb";
import mongoose, { type Types } from "mongoose";
import { KEPT_PURCHASE_TIMES, KEPT_RECENT_ORDERS } from "../domain/metrics.ts";
import { addMonths, growthForAmount, levelForGrowth, levelRank, pointsForAmount, type Program } from "../domain/program.ts";
import { AppError } from "../errors.ts";
import type { MemberAttrs } from "../models/Member.ts";
import type { IdentityKind } from "../models/MemberIdentity.ts";
import { normalizePhone, protectPhone } from "../security/personalData.ts";
import { conflictMessage, identityKeys, type IdentityClaims } from "./memberMatcher.ts";
import { orderIdOf, UNKNOWN_MEMBER, type OrderInput, type OrderOutcome } from "./orderRecorder.ts";

export type Key = { id: string; kind: IdentityKind };

export type ObjectId = Types.ObjectId;

/** What an order contributes once it is credited: who, how much, when. */
export interface OrderFacts {
  memberId: ObjectId;
  amount: number;
  paidAt: Date;
}

/** One row of a run after matching: rejected, or tied to an order (new or already stored). */
export type RowPlan = { orderId: string; reason: string } | { orderId: string; reason: null; creates: boolean };

/** An identity the run attaches to a member, with the claims that carried it (for the member's fields). */
export interface Attachment extends Key {
  memberId: ObjectId;
  claims: IdentityClaims;
}

export interface NewMember {
  id: ObjectId;
  name: string;
  sourceChannel: string;
  homeStoreId: string | null;
}

/** The whole run worked out in memory, as the one-at-a-time path would have done it row by row. */
export interface RunPlan {
  rows: RowPlan[];
  facts: Map<string, OrderFacts>;
  newMembers: NewMember[];
  /** The new members' ids, as strings. */
  newIds: Set<string>;
  attachments: Attachment[];
}

/** A member's state while the run's credits are replayed in row order. */
export interface MemberState {
  memberNo: string;
  growth: number;
  levelCode: string;
  /** WeCom customers already on the member (its tags and guides are derived from all of them). */
  externalUserIds: string[];
  /** Inserted by this run (its identity fields were written with it). */
  created: boolean;
}

/** What the run changes on one member, summed over its rows. */
export interface MemberTally {
  growth: number;
  points: number;
  spent: number;
  orders: number;
  times: Date[];
  recent: { orderId: string; paidAt: Date }[];
  levelChanges: { from: string; to: string; at: Date; reason: "upgrade" }[];
}

export function isRefund(input: OrderInput): boolean {
  return input.amount < 0 || input.status !== "paid" || input.refundedAmount > 0;
}

/** The row's identity keys, or the reason they cannot be formed (a phone that is no mobile number). */
export function keysOf(input: OrderInput): Key[] | string {
  try {
    return identityKeys(input.member);
  } catch (error) {
    if (error instanceof AppError) {
      return error.message;
    }
    throw error;
  }
}

/**
 * Match every row in order, exactly as `memberMatcher` would one by one, against the stored
 * identities plus those attached by earlier rows of the run.
 */
export function planRun(
  inputs: OrderInput[],
  keys: (Key[] | string)[],
  stored: Map<string, OrderFacts>,
  owners: Map<string, ObjectId>,
  states: Map<string, MemberState>,
): RunPlan {
  const owner = new Map(owners);
  const facts = new Map(stored);
  const plan: RunPlan = { rows: [], facts, newMembers: [], newIds: new Set(), attachments: [] };
  for (const [index, input] of inputs.entries()) {
    const orderId = orderIdOf(input);
    const rowKeys = keys[index] as Key[] | string;
    if (facts.has(orderId)) {
      plan.rows.push({ orderId, reason: null, creates: false });
    } else if (typeof rowKeys === "string") {
      plan.rows.push({ orderId, reason: rowKeys });
    } else {
      const matched = matchRow(input, rowKeys, owner, plan, states);
      if (typeof matched === "string") {
        plan.rows.push({ orderId, reason: matched });
        continue;
      }
      facts.set(orderId, { memberId: matched, amount: input.amount, paidAt: input.paidAt });
      plan.rows.push({ orderId, reason: null, creates: true });
    }
  }
  return plan;
}

/** @returns the member for the row (found or new, its identities attached), or why it is rejected. */
export function matchRow(input: OrderInput, keys: Key[], owner: Map<string, ObjectId>, plan: RunPlan, states: Map<string, MemberState>): ObjectId | string {
  const owned = keys.flatMap((key) => {
    const memberId = owner.get(key.id);
    return memberId ? [memberId] : [];
  });
  if (new Set(owned.map(String)).size > 1) {
    return conflictMessage(keys, owner);
  }
  let memberId = owned[0];
  if (!memberId) {
    if (!(input.member.phone || input.member.unionid)) {
      return UNKNOWN_MEMBER;
    }
    memberId = new mongoose.Types.ObjectId();
    plan.newMembers.push({ id: memberId, name: input.member.name ?? "", sourceChannel: input.channel, homeStoreId: input.storeId ?? null });
    plan.newIds.add(String(memberId));
  }
  for (const key of keys.filter((candidate) => !owner.has(candidate.id))) {
    owner.set(key.id, memberId);
    plan.attachments.push({ ...key, memberId, claims: input.member });
  }
  // An identity left pointing at a removed member: memberMatcher attaches, then finds nobody.
  return states.has(String(memberId)) || plan.newIds.has(String(memberId)) ? memberId : UNKNOWN_MEMBER;
}

export function uniqueIds(ids: ObjectId[]): ObjectId[] {
  return [...new Map(ids.map((id) => [String(id), id])).values()];
}

/** The member fields that identities set, per member, in the order they were attached. */
export function fieldsByMember(attachments: Attachment[]): Map<string, { set: Partial<MemberAttrs>; externalUserIds: string[] }> {
  const fields = new Map<string, { set: Partial<MemberAttrs>; externalUserIds: string[] }>();
  for (const attachment of attachments) {
    const key = String(attachment.memberId);
    const entry = fields.get(key) ?? { set: {}, externalUserIds: [] };
    fields.set(key, entry);
    const { claims } = attachment;
    if (attachment.kind === "customer" && claims.externalUserId && !entry.externalUserIds.includes(claims.externalUserId)) {
      entry.externalUserIds.push(claims.externalUserId);
    } else if (attachment.kind === "unionid" && claims.unionid) {
      entry.set.unionid = claims.unionid;
    } else if (attachment.kind === "phone" && claims.phone) {
      const phone = protectPhone(normalizePhone(claims.phone) as string);
      Object.assign(entry.set, { phoneHash: phone.hash, phoneEncrypted: phone.encrypted, phoneMasked: phone.masked });
    }
  }
  return fields;
}

/**
 * Apply the newly counted credits in row order, checking for an upgrade after each row as
 * `orderRecorder` does, so a member crossing two thresholds in one run records both steps.
 */
export function replayCredits(plan: RunPlan, states: Map<string, MemberState>, counted: Set<string>, program: Program, now: Date): Map<string, MemberTally> {
  const tallies = new Map<string, MemberTally>();
  const credited = new Set<string>();
  for (const row of plan.rows) {
    const facts = row.reason === null ? plan.facts.get(row.orderId) : undefined;
    const state = facts ? states.get(String(facts.memberId)) : undefined;
    if (!facts || !state) {
      continue;
    }
    const tally = tallies.get(String(facts.memberId)) ?? { growth: 0, points: 0, spent: 0, orders: 0, times: [], recent: [], levelChanges: [] };
    tallies.set(String(facts.memberId), tally);
    if (!credited.has(row.orderId)) {
      credited.add(row.orderId);
      creditRow(row.orderId, facts, tally, state, counted, program);
    }
    const earned = levelForGrowth(program, state.growth);
    if (levelRank(program, earned.code) > levelRank(program, state.levelCode)) {
      tally.levelChanges.push({ from: state.levelCode, to: earned.code, at: now, reason: "upgrade" });
      state.levelCode = earned.code;
    }
  }
  return tallies;
}

export function creditRow(orderId: string, facts: OrderFacts, tally: MemberTally, state: MemberState, counted: Set<string>, program: Program): void {
  // The growth entry is the gate for metrics, as in orderRecorder.
  if (counted.has(`growth:order:${orderId}`)) {
    const growth = growthForAmount(program, facts.amount);
    tally.growth += growth;
    state.growth += growth;
    tally.spent += facts.amount;
    tally.orders += 1;
    tally.times.push(facts.paidAt);
    tally.recent.push({ orderId, paidAt: facts.paidAt });
  }
  if (counted.has(`points:order:${orderId}`)) {
    tally.points += pointsForAmount(program, facts.amount);
  }
}

/** @returns the member's update, or null when the run changes nothing on it (replays only). */
export function memberUpdate(
  tally: MemberTally | undefined,
  fields: { set: Partial<MemberAttrs>; externalUserIds: string[] } | undefined,
  state: MemberState | undefined,
  now: Date,
  program: Program,
): Document | null {
  const update: Document = {};
  const inc: Record<string, number> = {};
  const set: Document = { ...fields?.set };
  const push: Document = {};
  if (tally) {
    for (const [path, value] of [["growth", tally.growth], ["points", tally.points], ["metrics.totalSpent", tally.spent], ["metrics.orderCount", tally.orders]] as const) {
      if (value !== 0) {
        inc[path] = value;
      }
    }
    if (tally.times.length > 0) {
      const times = tally.times.map((time) => time.getTime());
      update.$min = { "metrics.firstPurchaseAt": new Date(Math.min(...times)) };
      update.$max = { "metrics.lastPurchaseAt": new Date(Math.max(...times)) };
      push["metrics.purchaseTimes"] = { $each: tally.times, $sort: 1, $slice: -KEPT_PURCHASE_TIMES };
      push["metrics.recentOrders"] = { $each: tally.recent, $sort: { paidAt: 1 }, $slice: -KEPT_RECENT_ORDERS };
    }
    if (tally.levelChanges.length > 0 && state) {
      set.levelCode = state.levelCode;
      set.levelValidUntil = addMonths(now, program.levelValidity.months);
      push.levelChanges = { $each: tally.levelChanges };
    }
  }
  if (Object.keys(inc).length > 0) {
    update.$inc = inc;
  }
  if (Object.keys(set).length > 0) {
    update.$set = set;
  }
  if (Object.keys(push).length > 0) {
    update.$push = push;
  }
  if (fields && fields.externalUserIds.length > 0) {
    update.$addToSet = { externalUserIds: { $each: fields.externalUserIds } };
  }
  if (Object.keys(update).length === 0) {
    return null;
  }
  update.$set = { ...update.$set, updatedAt: new Date() };
  return update;
}

export function outcomeOf(row: RowPlan, plan: RunPlan, states: Map<string, MemberState>): OrderOutcome {
  if (row.reason !== null) {
    return { result: "rejected", orderId: row.orderId, reason: row.reason };
  }
  const memberId = (plan.facts.get(row.orderId) as OrderFacts).memberId;
  return { result: row.creates ? "created" : "duplicate", orderId: row.orderId, memberId: String(memberId), memberNo: states.get(String(memberId))?.memberNo ?? "" };
}
