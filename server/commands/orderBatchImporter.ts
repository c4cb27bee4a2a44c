import type { AnyBulkWriteOperation, Document } from "mongodb";
import mongoose from "mongoose";
import { insertNew } from "../db/duplicates.ts";
import type { Program } from "../domain/program.ts";
import { AppError } from "../errors.ts";
import { Counter } from "../models/Counter.ts";
import { Follow } from "../models/Follow.ts";
import { LedgerEntry } from "../models/LedgerEntry.ts";
import { Member } from "../models/Member.ts";
import { MemberIdentity } from "../models/MemberIdentity.ts";
import { NonMemberOrder } from "../models/NonMemberOrder.ts";
import { Order } from "../models/Order.ts";
import { addMonths, growthForAmount, pointsForAmount } from "../domain/program.ts";
import {
  fieldsByMember,
  isRefund,
  keysOf,
  memberUpdate,
  outcomeOf,
  planRun,
  replayCredits,
  uniqueIds,
  type Attachment,
  type MemberState,
  type MemberTally,
  type ObjectId,
  type OrderFacts,
  type RunPlan,
} from "./orderBatchPlan.ts";
import { groupsOfCustomers } from "./memberLinkRefresher.ts";
import memberRecruitCounter from "./memberRecruitCounter.ts";
import { mapLimit } from "../utils/async.ts";
import { settleTasksOnImportedOrders } from "./taskCloser.ts";
import orderRecorder, { orderIdOf, UNKNOWN_MEMBER, type OrderInput, type OrderOutcome } from "./orderRecorder.ts";

// Measured on the embedded database: `{_id: {$in}}` uses the unique index, but its cost grows
// with the square of the list (4,000 ids: 1.4 s; 40 parallel lists of 100: 0.1 s).
const LOOKUP_CHUNK = 100;

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
  // A member linked to a customer here is a recruit of that customer's guide, as orderRecorder's
  // one-at-a-time link credits it (memberMatcher): the same state either way.
  const linked = [...links].filter(([, link]) => link.guideUserIds.length > 0).map(([memberId]) => new mongoose.Types.ObjectId(memberId));
  await mapLimit(linked, 8, (memberId) => memberRecruitCounter({ memberId, now }));
  await settleTasksOnImportedOrders(
    [...tallies].map(([memberId, tally]) => ({
      memberId,
      externalUserIds: states.get(memberId)?.externalUserIds ?? [],
      lastPaidAt: tally.times.reduce<Date | null>((latest, time) => (!latest || time > latest ? time : latest), null),
      upgraded: tally.levelChanges.length > 0,
    })),
    now,
  );
  return plan.rows.map((row) => outcomeOf(row, plan, states));
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
          homeStoreId: member.homeStoreId,
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
  const duplicates = await insertNew(MemberIdentity.collection, identities);
  return { lost: new Set([...duplicates].map((index) => plan.attachments[index]?.id ?? "")), created };
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
  const duplicates = await insertNew(Order.collection, docs);
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
  await insertNew(NonMemberOrder.collection, docs);
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
  const duplicates = await insertNew(LedgerEntry.collection, docs);
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
 * Tags and guides of the members that got a WeCom customer in this run, from the active follows
 * of all their customers (as memberLinkRefresher does per attach), read with one query.
 */
async function customerLinks(attachments: Attachment[], states: Map<string, MemberState>): Promise<Map<string, { tagIds: string[]; guideUserIds: string[]; groupChatIds: string[] }>> {
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
  const groupsOf = await groupsOfCustomers(externalUserIds);
  const links = new Map<string, { tagIds: string[]; guideUserIds: string[]; groupChatIds: string[] }>();
  for (const [memberId, ids] of customers) {
    const own = [...ids].flatMap((id) => followsOf.get(id) ?? []);
    links.set(memberId, {
      tagIds: [...new Set(own.flatMap((follow) => follow.tagIds))].sort(),
      guideUserIds: [...new Set(own.map((follow) => follow.userId))].sort(),
      groupChatIds: [...new Set([...ids].flatMap((id) => groupsOf.get(id) ?? []))].sort(),
    });
  }
  return links;
}

/** One bulk write: balances, metrics, upgrades and identity fields, one update per member. */
async function writeMembers(props: {
  tallies: Map<string, MemberTally>;
  states: Map<string, MemberState>;
  links: Map<string, { tagIds: string[]; guideUserIds: string[]; groupChatIds: string[] }>;
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
