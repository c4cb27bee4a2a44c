import { isDuplicateKeyError } from "../db/duplicates.ts";
import { ONJOB_LIMIT_ERRCODE, transferRefusalReason } from "../domain/transferOutcomes.ts";
import { ValidationError } from "../errors.ts";
import { CustomerTransfer, customerTransferId, type TransferKind, type TransferState } from "../models/CustomerTransfer.ts";
import { Follow } from "../models/Follow.ts";
import { UnassignedCustomer } from "../models/UnassignedCustomer.ts";
import type { Actor } from "../security/authorization.ts";
import type { WeComClient } from "../wecom/client.ts";
import { guidePlaces } from "./campaignCompletion.ts";
import { inTransferScope, storeTakeoverGuides, takeoverGuides, takeoverProblem, type TakeoverGuide } from "./customerTransferCandidates.ts";
import { markUnassigned } from "./customerTransferMover.ts";
import { sendRequestedTransfers, type TransferPair } from "./customerTransferSender.ts";
import { scheduleTransferSync } from "./customerTransferSync.ts";
import { transferNames } from "./customerTransferNames.ts";

export interface TransferItem {
  externalUserId: string;
  handoverUserId: string;
  /** null: the next guide of the handover guide's store, round-robin. */
  takeoverUserId: string | null;
}

interface Props {
  wecom: WeComClient;
  actor: Actor;
  kind: TransferKind;
  items: TransferItem[];
  transferSuccessMsg?: string;
  now: Date;
}

/** WeCom's on-job limit (wecom-reference §4.11): twice in 90 days per customer. */
export const ONJOB_LIMIT = { count: 2, days: 90 };
/** After the call, WeCom needs a while; the first look at transfer_result. */
const FIRST_LOOK_MS = 10 * 60_000;
const IN_FLIGHT: TransferState[] = ["requested", "waiting"];

/**
 * The customers' current place: unassigned (resigned) or followed (on-job) by the handover guide,
 * with the store the manager's scope is judged by (the unassigned row keeps the store the guide
 * left from, even once the directory has forgotten them).
 */
async function held(kind: TransferKind, items: TransferItem[]): Promise<Map<string, string | null>> {
  if (kind === "resigned") {
    const rows = await UnassignedCustomer.find({ _id: { $in: items.map((item) => `${item.handoverUserId}:${item.externalUserId}`) } }, { _id: 1, storeId: 1 }).lean();
    return new Map(rows.map((row) => [row._id, row.storeId ?? null]));
  }
  const follows = await Follow.find({ $or: items.map((item) => ({ externalUserId: item.externalUserId, userId: item.handoverUserId, status: "active" })) }, { externalUserId: 1, userId: 1 }).lean();
  const places = await guidePlaces([...new Set(follows.map((follow) => follow.userId))]);
  return new Map(follows.map((follow) => [`${follow.userId}:${follow.externalUserId}`, places.get(follow.userId)?.storeId ?? null]));
}

/**
 * Check every customer and takeover guide, and pick takeover guides round-robin over the
 * handover guide's store where none was chosen. Any refusal refuses the whole request.
 */
async function plan({ wecom, actor, kind, items }: Props): Promise<(TransferItem & { takeoverUserId: string; storeId: string | null })[]> {
  const handovers = await guidePlaces([...new Set(items.map((item) => item.handoverUserId))]);
  const chosen = await takeoverGuides(wecom, [...new Set(items.flatMap((item) => (item.takeoverUserId ? [item.takeoverUserId] : [])))]);
  const holding = await held(kind, items);
  const storeOf = (key: string, userId: string) => (holding.has(key) ? (holding.get(key) ?? null) : (handovers.get(userId)?.storeId ?? null));
  const label = await transferNames({ employees: [], customers: items.map((item) => item.externalUserId), groups: [], stores: [...handovers.values()].map((place) => place.storeId) });
  const seen = new Set<string>();
  const inFlight = new Set(
    (await CustomerTransfer.find({ subject: "customer", targetId: { $in: items.map((item) => item.externalUserId) }, state: { $in: IN_FLIGHT } }, { targetId: 1, handoverUserId: 1 }).lean()).map((transfer) => `${transfer.handoverUserId}:${transfer.targetId}`),
  );
  const pools = new Map<string, TakeoverGuide[]>();
  const turns = new Map<string, number>();
  const errors: string[] = [];
  const planned: (TransferItem & { takeoverUserId: string; storeId: string | null })[] = [];
  for (const [index, item] of items.entries()) {
    const at = `items.${index}`;
    const key = `${item.handoverUserId}:${item.externalUserId}`;
    const storeId = storeOf(key, item.handoverUserId);
    const customer = label.customer(item.externalUserId);
    if (seen.has(key)) {
      errors.push(`${at}.externalUserId: 客户「${customer}」重复选择了`);
      continue;
    }
    seen.add(key);
    if (!inTransferScope(actor, storeId)) {
      errors.push(`${at}.externalUserId: 客户「${customer}」不属于您管理的门店`);
      continue;
    }
    if (!holding.has(key)) {
      errors.push(`${at}.externalUserId: ${kind === "resigned" ? `客户「${customer}」不在待分配列表中（刚被拒绝的客户请先点「同步待分配」）` : `客户「${customer}」不是原导购的客户`}`);
      continue;
    }
    if (inFlight.has(key)) {
      errors.push(`${at}.externalUserId: 客户「${customer}」正在转接中`);
      continue;
    }
    let takeover: TakeoverGuide | undefined;
    if (item.takeoverUserId) {
      takeover = chosen.get(item.takeoverUserId);
      const problem = takeoverProblem(actor, takeover, item.handoverUserId);
      if (problem || !takeover) {
        errors.push(`${at}.takeoverUserId: ${problem ?? "接替导购不存在"}`);
        continue;
      }
    } else {
      const pool = storeId ? (pools.get(`${storeId}:${item.handoverUserId}`) ?? (await storeTakeoverGuides(wecom, storeId, [item.handoverUserId]))) : [];
      pools.set(`${storeId}:${item.handoverUserId}`, pool);
      const turn = turns.get(`${storeId}:${item.handoverUserId}`) ?? 0;
      takeover = pool.length > 0 ? pool[turn % pool.length] : undefined;
      turns.set(`${storeId}:${item.handoverUserId}`, turn + 1);
      if (!takeover) {
        errors.push(`${at}.takeoverUserId: 门店「${label.store(storeId)}」没有可接替的导购（在职且有客户联系权限），请选择接替导购`);
        continue;
      }
    }
    planned.push({ ...item, takeoverUserId: takeover.userId, storeId });
  }
  if (errors.length > 0) {
    throw ValidationError(errors[0]!, errors);
  }
  return planned;
}

function duplicateAsNull(error: unknown): null {
  if (isDuplicateKeyError(error)) {
    return null;
  }
  throw error;
}

/**
 * Transfer customers from guides (departed: 离职继承; on the job: 在职转接) to takeover guides.
 * Refusals of the request change nothing; then every customer gets a record, a customer already
 * moved twice in 90 days on the job is refused without asking WeCom, the rest go to WeCom 100 a
 * call per pair, and each pair's sync job follows transfer_result until all are final.
 *
 * @param props who asks, which customers to whom, the client and the clock.
 * @returns the records' ids and how many WeCom accepted and refused.
 */
export default async function customerTransferStarter(props: Props): Promise<{ ids: string[]; accepted: number; refused: number }> {
  const { wecom, actor, kind, now } = props;
  const planned = await plan(props);
  const since = new Date(now.getTime() - ONJOB_LIMIT.days * 86_400_000);
  const pairs = new Map<string, TransferPair>();
  const ids: string[] = [];
  let refused = 0;
  for (const item of planned) {
    const pair: TransferPair = { kind, handoverUserId: item.handoverUserId, takeoverUserId: item.takeoverUserId };
    const attempt = (await CustomerTransfer.countDocuments({ ...pair, subject: "customer", targetId: item.externalUserId })) + 1;
    const moved = kind === "onjob" ? await CustomerTransfer.countDocuments({ kind: "onjob", subject: "customer", targetId: item.externalUserId, state: { $in: ["waiting", "done"] }, requestedAt: { $gte: since } }) : 0;
    const overLimit = moved >= ONJOB_LIMIT.count;
    const _id = customerTransferId({ ...pair, subject: "customer", targetId: item.externalUserId, attempt });
    const created = await CustomerTransfer.create({
      _id,
      ...pair,
      subject: "customer",
      targetId: item.externalUserId,
      storeId: item.storeId,
      attempt,
      transferSuccessMsg: kind === "onjob" ? (props.transferSuccessMsg ?? "") : "",
      requestedBy: actor.userId ?? "api",
      requestedAt: now,
      ...(overLimit ? { state: "failed", errcode: ONJOB_LIMIT_ERRCODE, reason: transferRefusalReason(ONJOB_LIMIT_ERRCODE), finishedAt: now } : {}),
    }).catch(duplicateAsNull);
    if (!created) {
      // The same request twice at once (a double click): the first one's record stands.
      continue;
    }
    await CustomerTransfer.updateMany({ subject: "customer", handoverUserId: item.handoverUserId, targetId: item.externalUserId, _id: { $ne: _id }, supersededAt: null }, { $set: { supersededAt: now } });
    refused += overLimit ? 1 : 0;
    if (!overLimit) {
      await markUnassigned(pair, [item.externalUserId], true);
    }
    ids.push(_id);
    pairs.set(`${pair.handoverUserId}:${pair.takeoverUserId}`, pair);
  }
  let accepted = 0;
  for (const pair of pairs.values()) {
    // The job first, so a crash during the calls still leaves someone to send them.
    await scheduleTransferSync(pair, new Date(now.getTime() + FIRST_LOOK_MS));
    // WeCom unreachable now: the records stay requested and the pair's job sends them.
    const sent = await sendRequestedTransfers({ wecom, pair, now }).catch(() => ({ accepted: 0, refused: 0 }));
    accepted += sent.accepted;
    refused += sent.refused;
  }
  return { ids, accepted, refused };
}
