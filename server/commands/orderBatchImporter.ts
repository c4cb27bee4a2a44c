import { MongoBulkWriteError, type AnyBulkWriteOperation, type Document } from "mongodb";
import mongoose, { type Types } from "mongoose";
import { KEPT_PURCHASE_TIMES } from "../domain/metrics.ts";
import { addMonths, growthForAmount, levelForGrowth, levelRank, pointsForAmount, type Program } from "../domain/program.ts";
import { AppError } from "../errors.ts";
import { Counter } from "../models/Counter.ts";
import { Follow } from "../models/Follow.ts";
import { LedgerEntry } from "../models/LedgerEntry.ts";
import { Member, type MemberAttrs } from "../models/Member.ts";
import { MemberIdentity, type IdentityKind } from "../models/MemberIdentity.ts";
import { NonMemberOrder } from "../models/NonMemberOrder.ts";
import { Order } from "../models/Order.ts";
import { normalizePhone, protectPhone } from "../security/personalData.ts";
import { identityKeys, type IdentityClaims } from "./memberMatcher.ts";
import orderRecorder, { type OrderInput, type OrderOutcome } from "./orderRecorder.ts";

const DUPLICATE_KEY = 11000;
// Measured on the embedded database: `{_id: {$in}}` uses the unique index, but its cost grows
// with the square of the list (4,000 ids: 1.4 s; 40 parallel lists of 100: 0.1 s).
const LOOKUP_CHUNK = 100;
const UNKNOWN_MEMBER = "member: 未知会员，订单需携带手机号或 unionid";
const LABEL: Record<IdentityKind, string> = { unionid: "unionid", phone: "phone", customer: "externalUserId", buyer: "buyerId" };

type Key = { id: string; kind: IdentityKind };
type ObjectId = Types.ObjectId;

/** What an order contributes once it is credited: who, how much, when. */
interface OrderFacts {
  memberId: ObjectId;
  amount: number;
  paidAt: Date;
}

/** One row of a run after matching: rejected, or tied to an order (new or already stored). */
type RowPlan = { orderId: string; reason: string } | { orderId: string; reason: null; creates: boolean };

/** An identity the run attaches to a member, with the claims that carried it (for the member's fields). */
interface Attachment extends Key {
  memberId: ObjectId;
  claims: IdentityClaims;
}

interface NewMember {
  id: ObjectId;
  name: string;
  sourceChannel: string;
}

/** The whole run worked out in memory, as the one-at-a-time path would have done it row by row. */
interface RunPlan {
  rows: RowPlan[];
  facts: Map<string, OrderFacts>;
  newMembers: NewMember[];
  /** The new members' ids, as strings. */
  newIds: Set<string>;
  attachments: Attachment[];
}

/** A member's state while the run's credits are replayed in row order. */
interface MemberState {
  memberNo: string;
  growth: number;
  levelCode: string;
  /** WeCom customers already on the member (its tags and guides are derived from all of them). */
  externalUserIds: string[];
  /** Inserted by this run (its identity fields were written with it). */
  created: boolean;
}

/** What the run changes on one member, summed over its rows. */
interface MemberTally {
  growth: number;
  points: number;
  spent: number;
  orders: number;
  times: Date[];
  levelChanges: { from: string; to: string; at: Date; reason: "upgrade" }[];
}

/**
 * Record a batch of orders (up to a few thousand) with a handful of database round trips instead
 * of ~10 per order, ending in the same state as `orderRecorder` fed the same rows one by one:
 * members are matched and created in row order against the identities the batch itself
 * attaches (two new rows with one phone make one member), orders and ledger entries are
 * inserted unordered (an existing `_id` means already stored / already counted), and balances,
 * metrics, level upgrades, identity fields and WeCom tags/guides are summed per member into one
 * bulk write. Sales refused for want of a member are kept as non-member orders, as one at a time.
 *
 * Refund rows (negative amount, refunded status or amount) are rare and go through
 * `orderRecorder` at their place in the sequence. If another writer claims one of the batch's
 * identities meanwhile, the affected run is redone one row at a time.
 *
 * A process that dies mid-batch leaves what a replay repairs (orders without credits are
 * credited when replayed), except metrics of ledger entries written but not yet summed: the
 * balances are then restored by `reconcileBalances`, the metrics by `recomputeMetrics`.
 * Level upgrades are decided from the growth read at the start of the run (one read for all).
 *
 * @param inputs validated orders, in the order they happened or were exported.
 * @param program the program in force.
 * @param now the clock.
 * @returns one outcome per input, in the same order.
 */
export default async function orderBatchImporter(inputs: OrderInput[], program: Program, now: Date): Promise<OrderOutcome[]> {
  const outcomes: OrderOutcome[] = new Array(inputs.length);
  let run: number[] = [];
  const flush = async (): Promise<void> => {
    const results = await importRun(run.map((index) => inputs[index] as OrderInput), program, now);
    run.forEach((index, position) => {
      outcomes[index] = results[position] as OrderOutcome;
    });
    run = [];
  };
  for (const [index, input] of inputs.entries()) {
    if (!isRefund(input)) {
      run.push(index);
      continue;
    }
    // A refund sees every earlier row applied, as it would one at a time.
    await flush();
    outcomes[index] = await recordOne(input, program, now);
  }
  await flush();
  return outcomes;
}

function isRefund(input: OrderInput): boolean {
  return input.amount < 0 || input.status !== "paid" || input.refundedAmount > 0;
}

/** `orderRecorder` for one row, with its refusals (conflict, bad phone) as a rejected row. */
async function recordOne(input: OrderInput, program: Program, now: Date): Promise<OrderOutcome> {
  try {
    return await orderRecorder(input, program, now);
  } catch (error) {
    if (error instanceof AppError) {
      return { result: "rejected", orderId: orderIdOf(input), reason: error.message };
    }
    throw error;
  }
}

function orderIdOf(input: OrderInput): string {
  return `${input.channel}:${input.orderNo}`;
}

async function importRun(inputs: OrderInput[], program: Program, now: Date): Promise<OrderOutcome[]> {
  if (inputs.length === 0) {
    return [];
  }
  const keys = inputs.map(keysOf);
  const identityIds = [...new Set(keys.flatMap((entry) => (Array.isArray(entry) ? entry.map((key) => key.id) : [])))];
  const [stored, owners] = await Promise.all([storedOrders(inputs.map(orderIdOf)), identityOwners(identityIds)]);
  // Read before anything of ours moves a balance: the credits are replayed on top of it.
  const states = await loadStates(uniqueIds([...[...stored.values()].map((facts) => facts.memberId), ...owners.values()]));
  const plan = planRun(inputs, keys, stored, owners, states);
  const { lost, created } = await createMembersAndIdentities(plan, program, now);
  for (const [id, state] of created) {
    states.set(id, state);
  }
  if (lost.size > 0) {
    return redoOneAtATime({ inputs, plan, lost, states, program, now });
  }
  await insertOrders(plan, inputs);
  await recordNonMemberOrders(plan, inputs);
  const counted = await insertLedgerEntries(plan, program, now);
  await addMissingStates(states, plan);
  const tallies = replayCredits(plan, states, counted, program, now);
  const links = await customerLinks(plan.attachments, states);
  await writeMembers({ tallies, states, links, attachments: plan.attachments, now, program });
  return plan.rows.map((row) => outcomeOf(row, plan, states));
}

/** The row's identity keys, or the reason they cannot be formed (a phone that is no mobile number). */
function keysOf(input: OrderInput): Key[] | string {
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
 * @param ids lookup keys.
 * @param load one `{_id: {$in}}` query.
 * @returns every document found, loaded in parallel lists the embedded database answers quickly.
 */
async function loadInChunks<K, T>(ids: K[], load: (part: K[]) => Promise<T[]>): Promise<T[]> {
  const parts: K[][] = [];
  for (let start = 0; start < ids.length; start += LOOKUP_CHUNK) {
    parts.push(ids.slice(start, start + LOOKUP_CHUNK));
  }
  return (await Promise.all(parts.map(load))).flat();
}

async function storedOrders(orderIds: string[]): Promise<Map<string, OrderFacts>> {
  const found = await loadInChunks([...new Set(orderIds)], (part) =>
    Order.find({ _id: { $in: part } }, { memberId: 1, amount: 1, paidAt: 1 }).lean(),
  );
  return new Map(found.map((order) => [String(order._id), { memberId: order.memberId, amount: order.amount, paidAt: order.paidAt }]));
}

async function identityOwners(ids: string[]): Promise<Map<string, ObjectId>> {
  const found = await loadInChunks(ids, (part) => MemberIdentity.find({ _id: { $in: part } }, { memberId: 1 }).lean());
  return new Map(found.map((identity) => [identity._id, identity.memberId]));
}

/**
 * Match every row in order, exactly as `memberMatcher` would one by one, against the stored
 * identities plus those attached by earlier rows of the run.
 */
function planRun(
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
function matchRow(input: OrderInput, keys: Key[], owner: Map<string, ObjectId>, plan: RunPlan, states: Map<string, MemberState>): ObjectId | string {
  const owned = keys.flatMap((key) => {
    const memberId = owner.get(key.id);
    return memberId ? [memberId] : [];
  });
  if (new Set(owned.map(String)).size > 1) {
    return conflictReason(keys, owner);
  }
  let memberId = owned[0];
  if (!memberId) {
    if (!(input.member.phone || input.member.unionid)) {
      return UNKNOWN_MEMBER;
    }
    memberId = new mongoose.Types.ObjectId();
    plan.newMembers.push({ id: memberId, name: input.member.name ?? "", sourceChannel: input.channel });
    plan.newIds.add(String(memberId));
  }
  for (const key of keys.filter((candidate) => !owner.has(candidate.id))) {
    owner.set(key.id, memberId);
    plan.attachments.push({ ...key, memberId, claims: input.member });
  }
  // An identity left pointing at a removed member: memberMatcher attaches, then finds nobody.
  return states.has(String(memberId)) || plan.newIds.has(String(memberId)) ? memberId : UNKNOWN_MEMBER;
}

/** The words `memberMatcher` uses, so a row is refused the same way on either path. */
function conflictReason(keys: Key[], owner: Map<string, ObjectId>): string {
  const first = keys.find((key) => owner.has(key.id));
  const firstOwner = first ? String(owner.get(first.id)) : "";
  const other = keys.find((key) => owner.has(key.id) && String(owner.get(key.id)) !== firstOwner);
  const names = [first, other].flatMap((key) => (key ? [LABEL[key.kind]] : []));
  return `${names.join(" / ")}: 分别属于两位不同的会员，未做任何修改，请人工确认是否合并`;
}

function uniqueIds(ids: ObjectId[]): ObjectId[] {
  return [...new Map(ids.map((id) => [String(id), id])).values()];
}

/** @returns stored members' number, growth and level, by id. */
async function loadStates(ids: ObjectId[]): Promise<Map<string, MemberState>> {
  const found = await loadInChunks(ids, (part) => Member.find({ _id: { $in: part } }, { memberNo: 1, growth: 1, levelCode: 1, externalUserIds: 1 }).lean());
  return new Map(
    found.map((member) => [
      String(member._id),
      { memberNo: member.memberNo, growth: member.growth, levelCode: member.levelCode, externalUserIds: member.externalUserIds, created: false },
    ]),
  );
}

/**
 * Number and insert the run's new members (one counter step for all), then insert every
 * identity the run attaches. Members go first so an identity never points at nobody.
 *
 * @returns the new members' states, and identities another writer claimed meanwhile (normally none).
 */
async function createMembersAndIdentities(plan: RunPlan, program: Program, now: Date): Promise<{ lost: Set<string>; created: Map<string, MemberState> }> {
  const created = new Map<string, MemberState>();
  const lowest = program.levels[0]?.code ?? "regular";
  if (plan.newMembers.length > 0) {
    const counter = await Counter.findOneAndUpdate(
      { _id: "memberNo" },
      { $inc: { value: plan.newMembers.length } },
      { upsert: true, returnDocument: "after", lean: true },
    );
    const first = (counter?.value ?? plan.newMembers.length) - plan.newMembers.length + 1;
    const fields = fieldsByMember(plan.attachments);
    const docs = plan.newMembers.map((member, index) => {
      const memberNo = `M${String(first + index).padStart(8, "0")}`;
      created.set(String(member.id), { memberNo, growth: 0, levelCode: lowest, externalUserIds: [], created: true });
      const own = fields.get(String(member.id));
      return Member.applyTimestamps(
        Member.applyDefaults({
          _id: member.id,
          memberNo,
          name: member.name,
          sourceChannel: member.sourceChannel,
          joinedAt: now,
          levelCode: lowest,
          ...own?.set,
          externalUserIds: own?.externalUserIds ?? [],
        }),
      );
    });
    await Member.collection.insertMany(docs, { ordered: false });
  }
  const identities = plan.attachments.map((attachment) =>
    MemberIdentity.applyDefaults({ _id: attachment.id, kind: attachment.kind, memberId: attachment.memberId, via: "order", byUserId: null, at: now }),
  );
  const duplicates = await insertNew(MemberIdentity.collection.insertMany.bind(MemberIdentity.collection), identities);
  return { lost: new Set([...duplicates].map((index) => plan.attachments[index]?.id ?? "")), created };
}

/** The member fields that identities set, per member, in the order they were attached. */
function fieldsByMember(attachments: Attachment[]): Map<string, { set: Partial<MemberAttrs>; externalUserIds: string[] }> {
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
 * Insert documents unordered.
 *
 * @returns positions that were already stored (duplicate `_id`).
 */
async function insertNew(insertMany: (docs: Document[], options: { ordered: false }) => Promise<unknown>, docs: Document[]): Promise<Set<number>> {
  if (docs.length === 0) {
    return new Set();
  }
  try {
    await insertMany(docs, { ordered: false });
    return new Set();
  } catch (error) {
    if (!(error instanceof MongoBulkWriteError)) {
      throw error;
    }
    const writeErrors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
    if (writeErrors.some((writeError) => writeError.code !== DUPLICATE_KEY)) {
      throw error;
    }
    return new Set(writeErrors.map((writeError) => writeError.index));
  }
}

/**
 * Another writer took one of the run's identities between our read and our insert: what was
 * planned on top of it no longer holds. New members that lost an identity are taken back with
 * the identities they did get (as if never created); identities that did land on other members
 * get their fields written, since a replay will find them already attached. Then the run's rows
 * go through `orderRecorder` one by one, matching against what is stored now.
 */
async function redoOneAtATime(props: {
  inputs: OrderInput[];
  plan: RunPlan;
  lost: Set<string>;
  states: Map<string, MemberState>;
  program: Program;
  now: Date;
}): Promise<OrderOutcome[]> {
  const { plan, lost, states, program, now } = props;
  const undoneIds = new Set(plan.attachments.filter((attachment) => lost.has(attachment.id) && plan.newIds.has(String(attachment.memberId))).map((attachment) => String(attachment.memberId)));
  const landed = plan.attachments.filter((attachment) => !lost.has(attachment.id));
  const undone = landed.filter((attachment) => undoneIds.has(String(attachment.memberId)));
  if (undone.length > 0) {
    await MemberIdentity.bulkWrite(undone.map((identity) => ({ deleteOne: { filter: { _id: identity.id } } })), { ordered: false });
  }
  if (undoneIds.size > 0) {
    await Member.bulkWrite([...undoneIds].map((id) => ({ deleteOne: { filter: { _id: new mongoose.Types.ObjectId(id) } } })), { ordered: false });
  }
  const kept = landed.filter((attachment) => !undoneIds.has(String(attachment.memberId)));
  const links = await customerLinks(kept, states);
  await writeMembers({ tallies: new Map(), states, links, attachments: kept, now, program });
  const outcomes: OrderOutcome[] = [];
  for (const input of props.inputs) {
    outcomes.push(await recordOne(input, program, now));
  }
  return outcomes;
}

/** Insert the run's new orders; one stored meanwhile by another writer becomes a replay of it. */
async function insertOrders(plan: RunPlan, inputs: OrderInput[]): Promise<void> {
  const creating = plan.rows.flatMap((row, index) => (row.reason === null && row.creates ? [{ row, input: inputs[index] as OrderInput }] : []));
  const docs = creating.map(({ input, row }) =>
    Order.applyTimestamps(
      Order.applyDefaults({
        _id: row.orderId,
        channel: input.channel,
        orderNo: input.orderNo,
        memberId: plan.facts.get(row.orderId)?.memberId,
        amount: input.amount,
        status: "paid",
        paidAt: input.paidAt,
        items: input.items,
        storeId: input.storeId ?? null,
        guideUserId: input.guideUserId ?? null,
      }),
    ),
  );
  const duplicates = await insertNew(Order.collection.insertMany.bind(Order.collection), docs);
  const taken = [...duplicates].map((index) => creating[index]?.row.orderId ?? "");
  if (taken.length === 0) {
    return;
  }
  const stored = await storedOrders(taken);
  for (const { row } of creating) {
    const facts = stored.get(row.orderId);
    if (facts && row.reason === null) {
      plan.facts.set(row.orderId, facts);
      row.creates = false;
    }
  }
}

/** Sales refused for want of a member are kept for the member-share KPIs, first row of each order wins. */
async function recordNonMemberOrders(plan: RunPlan, inputs: OrderInput[]): Promise<void> {
  const seen = new Set<string>();
  const docs = plan.rows.flatMap((row, index) => {
    const input = inputs[index] as OrderInput;
    if (row.reason !== UNKNOWN_MEMBER || seen.has(row.orderId)) {
      return [];
    }
    seen.add(row.orderId);
    return [NonMemberOrder.applyDefaults({ _id: row.orderId, channel: input.channel, amount: input.amount, paidAt: input.paidAt, storeId: input.storeId ?? null })];
  });
  await insertNew(NonMemberOrder.collection.insertMany.bind(NonMemberOrder.collection), docs);
}

/**
 * Write the growth and points entries of every order the run saw (also replays: an order
 * stored by a process that died before crediting it is credited now, once).
 *
 * @returns the entry ids this call inserted, i.e. the credits to apply.
 */
async function insertLedgerEntries(plan: RunPlan, program: Program, now: Date): Promise<Set<string>> {
  const orderIds = [...new Set(plan.rows.flatMap((row) => (row.reason === null ? [row.orderId] : [])))];
  const docs = orderIds.flatMap((orderId) => {
    const facts = plan.facts.get(orderId) as OrderFacts;
    const entry = (account: "growth" | "points", delta: number, expiresAt: Date | null) =>
      LedgerEntry.applyDefaults({ _id: `${account}:order:${orderId}`, account, memberId: facts.memberId, delta, reason: "order", sourceId: `order:${orderId}`, at: now, expiresAt });
    const pointsExpiry = program.points.expiryMonths > 0 ? addMonths(facts.paidAt, program.points.expiryMonths) : null;
    return [entry("growth", growthForAmount(program, facts.amount), null), entry("points", pointsForAmount(program, facts.amount), pointsExpiry)];
  });
  const duplicates = await insertNew(LedgerEntry.collection.insertMany.bind(LedgerEntry.collection), docs);
  return new Set(docs.flatMap((doc, index) => (duplicates.has(index) ? [] : [String(doc._id)])));
}

/** Members of orders stored by another writer during the run, not read with the others. */
async function addMissingStates(states: Map<string, MemberState>, plan: RunPlan): Promise<void> {
  const missing = [...plan.facts.values()].map((facts) => facts.memberId).filter((id) => !states.has(String(id)) && !plan.newIds.has(String(id)));
  if (missing.length === 0) {
    return;
  }
  for (const [id, state] of await loadStates(missing)) {
    states.set(id, state);
  }
}

/**
 * Apply the newly counted credits in row order, checking for an upgrade after each row as
 * `orderRecorder` does, so a member crossing two thresholds in one run records both steps.
 */
function replayCredits(plan: RunPlan, states: Map<string, MemberState>, counted: Set<string>, program: Program, now: Date): Map<string, MemberTally> {
  const tallies = new Map<string, MemberTally>();
  const credited = new Set<string>();
  for (const row of plan.rows) {
    const facts = row.reason === null ? plan.facts.get(row.orderId) : undefined;
    const state = facts ? states.get(String(facts.memberId)) : undefined;
    if (!facts || !state) {
      continue;
    }
    const tally = tallies.get(String(facts.memberId)) ?? { growth: 0, points: 0, spent: 0, orders: 0, times: [], levelChanges: [] };
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

function creditRow(orderId: string, facts: OrderFacts, tally: MemberTally, state: MemberState, counted: Set<string>, program: Program): void {
  // The growth entry is the gate for metrics, as in orderRecorder.
  if (counted.has(`growth:order:${orderId}`)) {
    const growth = growthForAmount(program, facts.amount);
    tally.growth += growth;
    state.growth += growth;
    tally.spent += facts.amount;
    tally.orders += 1;
    tally.times.push(facts.paidAt);
  }
  if (counted.has(`points:order:${orderId}`)) {
    tally.points += pointsForAmount(program, facts.amount);
  }
}

/**
 * Tags and guides of the members that got a WeCom customer in this run, from the active follows
 * of all their customers (as memberLinkRefresher does per attach), read with one query.
 */
async function customerLinks(attachments: Attachment[], states: Map<string, MemberState>): Promise<Map<string, { tagIds: string[]; guideUserIds: string[] }>> {
  const customers = new Map<string, Set<string>>();
  for (const attachment of attachments) {
    if (attachment.kind === "customer" && attachment.claims.externalUserId) {
      const key = String(attachment.memberId);
      const known = customers.get(key) ?? new Set(states.get(key)?.externalUserIds ?? []);
      customers.set(key, known.add(attachment.claims.externalUserId));
    }
  }
  if (customers.size === 0) {
    return new Map();
  }
  const externalUserIds = [...new Set([...customers.values()].flatMap((ids) => [...ids]))];
  // Not a key lookup (follows are keyed by customer and guide): one scan for the whole run.
  const follows = await Follow.find({ externalUserId: { $in: externalUserIds }, status: "active" }, { externalUserId: 1, userId: 1, tagIds: 1 }).lean();
  const followsOf = new Map<string, typeof follows>();
  for (const follow of follows) {
    followsOf.set(follow.externalUserId, [...(followsOf.get(follow.externalUserId) ?? []), follow]);
  }
  const links = new Map<string, { tagIds: string[]; guideUserIds: string[] }>();
  for (const [memberId, ids] of customers) {
    const own = [...ids].flatMap((id) => followsOf.get(id) ?? []);
    links.set(memberId, {
      tagIds: [...new Set(own.flatMap((follow) => follow.tagIds))].sort(),
      guideUserIds: [...new Set(own.map((follow) => follow.userId))].sort(),
    });
  }
  return links;
}

/** One bulk write: balances, metrics, upgrades and identity fields, one update per member. */
async function writeMembers(props: {
  tallies: Map<string, MemberTally>;
  states: Map<string, MemberState>;
  links: Map<string, { tagIds: string[]; guideUserIds: string[] }>;
  attachments: Attachment[];
  now: Date;
  program: Program;
}): Promise<void> {
  const { tallies, states, links, now, program } = props;
  // New members were inserted with their fields; stored ones get them here.
  const fields = fieldsByMember(props.attachments.filter((attachment) => !states.get(String(attachment.memberId))?.created));
  for (const [id, link] of links) {
    const entry = fields.get(id) ?? { set: {}, externalUserIds: [] };
    fields.set(id, { ...entry, set: { ...entry.set, ...link } });
  }
  const operations: AnyBulkWriteOperation<Document>[] = [];
  for (const id of new Set([...tallies.keys(), ...fields.keys()])) {
    const update = memberUpdate(tallies.get(id), fields.get(id), states.get(id), now, program);
    if (update) {
      operations.push({ updateOne: { filter: { _id: new mongoose.Types.ObjectId(id) }, update } });
    }
  }
  if (operations.length > 0) {
    // The driver's bulk write: mongoose's casting about doubled its time here, and the values
    // are already typed (updatedAt is set in memberUpdate, as mongoose does).
    await Member.collection.bulkWrite(operations, { ordered: false });
  }
}

/** @returns the member's update, or null when the run changes nothing on it (replays only). */
function memberUpdate(
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

function outcomeOf(row: RowPlan, plan: RunPlan, states: Map<string, MemberState>): OrderOutcome {
  if (row.reason !== null) {
    return { result: "rejected", orderId: row.orderId, reason: row.reason };
  }
  const memberId = (plan.facts.get(row.orderId) as OrderFacts).memberId;
  return { result: row.creates ? "created" : "duplicate", orderId: row.orderId, memberId: String(memberId), memberNo: states.get(String(memberId))?.memberNo ?? "" };
}
