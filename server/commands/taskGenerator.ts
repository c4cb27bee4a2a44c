import type { Types } from "mongoose";
import type { Program } from "../domain/program.ts";
import { benefitOccasion, memberOccasions, type Occasion } from "../domain/taskOccasions.ts";
import type { TaskRules } from "../domain/taskRules.ts";
import { BenefitClaim } from "../models/BenefitClaim.ts";
import { Customer } from "../models/Customer.ts";
import { Member } from "../models/Member.ts";
import { chooseGuide } from "./massMessageAudience.ts";
import { currentProgram } from "./programStore.ts";
import taskInserter, { type TaskDraft } from "./taskInserter.ts";
import { settleTasksOnRedemption } from "./taskCloser.ts";
import { currentTaskRules } from "./taskRuleStore.ts";

const DAY = 86_400_000;
const BATCH = 500;
const MEMBER_FIELDS = { name: 1, birthday: 1, levelCode: 1, growth: 1, levelChanges: { $slice: -1 }, "metrics.lastPurchaseAt": 1, "metrics.purchaseTimes": 1, externalUserIds: 1, guideUserIds: 1, homeStoreId: 1 } as const;

interface MemberRow {
  _id: Types.ObjectId;
  name?: string | null;
  birthday?: string | null;
  levelChanges?: { from?: string | null; to?: string | null; at?: Date | null; reason?: string | null }[] | null;
  levelCode: string;
  growth?: number | null;
  metrics?: { lastPurchaseAt?: Date | null; purchaseTimes?: Date[] | null } | null;
  externalUserIds?: string[] | null;
  guideUserIds?: string[] | null;
  homeStoreId?: string | null;
}

export interface GenerationResult {
  /** Members read (the member scan) and benefit claims read. */
  members: number;
  claims: number;
  inserted: number;
  /** Found made by an earlier run (counted again by key: nothing moves). */
  existing: number;
  /** Expiring-benefit tasks a redemption should have settled (a crash in between), settled now. */
  settled: number;
}

interface Run {
  rules: TaskRules;
  program: Program;
  now: Date;
  result: GenerationResult;
}

/** Choose each member's guide (the campaigns' rule), name the customers in one query, insert. */
async function makeTasks(pairs: [MemberRow, Occasion][], run: Run): Promise<void> {
  if (pairs.length === 0) {
    return;
  }
  const guides = await Promise.all(pairs.map(([member]) => chooseGuide(member, "last_contact", new Map())));
  const reachable = pairs.flatMap(([member, occasion], index) => {
    const guide = guides[index];
    return guide?.userId ? [{ member, occasion, userId: guide.userId, externalUserId: guide.recipient }] : [];
  });
  const customers = await Customer.find({ externalUserId: { $in: [...new Set(reachable.map((row) => row.externalUserId))] } }, { externalUserId: 1, name: 1 }).lean();
  const names = new Map(customers.map((customer) => [customer.externalUserId, customer.name ?? ""]));
  const drafts = reachable.map(
    (row): TaskDraft => ({
      occasion: row.occasion,
      userId: row.userId,
      externalUserId: row.externalUserId,
      memberId: String(row.member._id),
      customerName: names.get(row.externalUserId) || row.member.name || "",
      levelCode: row.member.levelCode,
      growth: row.member.growth ?? 0,
    }),
  );
  const { inserted, existing } = await taskInserter(drafts, run);
  run.result.inserted += inserted;
  run.result.existing += existing;
}

/** Birthdays, silence and predicted repurchases: one pass over the members with a guide, in batches. */
async function scanMembers(run: Run): Promise<void> {
  let batch: [MemberRow, Occasion][] = [];
  const cursor = Member.find({ mergedInto: null, "guideUserIds.0": { $exists: true } }, MEMBER_FIELDS).lean<MemberRow[]>().cursor({ batchSize: 1000 });
  for await (const member of cursor) {
    run.result.members += 1;
    for (const occasion of memberOccasions(member as MemberRow, run.rules, run.program, run.now)) {
      batch.push([member as MemberRow, occasion]);
    }
    if (batch.length >= BATCH) {
      await makeTasks(batch, run);
      batch = [];
    }
  }
  await makeTasks(batch, run);
}

/** Claimed benefits that expire within the window, unredeemed; their members read per batch by key. */
async function scanClaims(run: Run): Promise<void> {
  const until = new Date(run.now.getTime() + run.rules.benefitExpiring.daysAhead * DAY);
  const benefitNames = new Map(run.program.benefits.map((benefit) => [benefit.code, benefit.name]));
  const flush = async (claims: { _id: string; slot: string; memberId: Types.ObjectId; benefitCode: string; redeemBy: Date }[]) => {
    const members = await Member.find({ _id: { $in: [...new Set(claims.map((claim) => String(claim.memberId)))] }, mergedInto: null }, MEMBER_FIELDS).lean<MemberRow[]>();
    const byId = new Map(members.map((member) => [String(member._id), member]));
    const pairs = claims.flatMap((claim): [MemberRow, Occasion][] => {
      const member = byId.get(String(claim.memberId));
      return member ? [[member, benefitOccasion({ slot: claim.slot, redeemBy: claim.redeemBy, benefitName: benefitNames.get(claim.benefitCode) ?? claim.benefitCode }, run.rules)]] : [];
    });
    await makeTasks(pairs, run);
  };
  let batch: { _id: string; slot: string; memberId: Types.ObjectId; benefitCode: string; redeemBy: Date }[] = [];
  const cursor = BenefitClaim.find({ status: "claimed", redeemBy: { $gte: run.now, $lte: until } }, { slot: 1, memberId: 1, benefitCode: 1, redeemBy: 1 }).lean().cursor({ batchSize: 1000 });
  for await (const claim of cursor) {
    run.result.claims += 1;
    batch.push(claim as (typeof batch)[number]);
    if (batch.length >= BATCH) {
      await flush(batch);
      batch = [];
    }
  }
  await flush(batch);
}

/**
 * The redemptions of the last two days settle their expiring-benefit tasks again: a redemption
 * cannot be replayed, so a process that died between it and its task would leave the task open.
 * A task settled before is no longer open, and nothing happens to it.
 */
async function repairRedemptions(run: Run): Promise<void> {
  const since = new Date(run.now.getTime() - 2 * DAY);
  for await (const claim of BenefitClaim.find({ status: "redeemed", redeemedAt: { $gte: since } }, { slot: 1, memberId: 1, redeemedAt: 1, redeemedByUserId: 1 }).lean().cursor({ batchSize: 1000 })) {
    const { done, closed } = await settleTasksOnRedemption({ claimSlot: claim.slot, memberId: String(claim.memberId), userId: claim.redeemedByUserId ?? null, at: claim.redeemedAt ?? run.now, othersToo: false });
    run.result.settled += done.length + closed.length;
  }
}

/**
 * The daily generation (GenerateTasksJob, 06:00 China time): every kind that is on and found by
 * reading the members' data (birthday, silent, repurchase due, benefit expiring) makes one task per
 * member and occasion for the guide of the member's active follow. Members are streamed, never
 * all held; a rerun or a second process at once inserts nothing new.
 *
 * @param props the clock.
 * @returns what was read and made.
 */
export default async function taskGenerator(props: { now: Date }): Promise<GenerationResult> {
  const [{ rules }, { program }] = await Promise.all([currentTaskRules(), currentProgram()]);
  const run: Run = { rules, program, now: props.now, result: { members: 0, claims: 0, inserted: 0, existing: 0, settled: 0 } };
  if (rules.birthday.enabled || rules.silent.enabled || rules.repurchaseDue.enabled || rules.levelUp.enabled) {
    await scanMembers(run);
  }
  if (rules.benefitExpiring.enabled) {
    await scanClaims(run);
  }
  await repairRedemptions(run);
  return run.result;
}
