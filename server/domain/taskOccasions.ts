import { chinaDate, chinaDayNumber } from "./chinaTime.ts";
import { predictRepurchase } from "./metrics.ts";
import type { Program } from "./program.ts";
import type { TaskRules } from "./taskRules.ts";
import type { TaskKind } from "./tasks.ts";
import { monthDay, type TaskSubject } from "./taskValues.ts";

// When a member is due for a task, decided from the member alone. Each task is due on its
// occasion's own day (the birthday, the predicted repurchase day, the day silence begins, the
// benefit's last day), so its due day never depends on the day the job happened to run: a rerun
// finds the same key with the same day, and the day's completion counts it once.

const DAY = 86_400_000;
/** Days a member who went silent still gets the task when the job missed the day it happened. */
export const SILENT_CATCH_UP_DAYS = 7;

/** One task a member is due for, before a guide is chosen. */
export interface Occasion {
  kind: TaskKind;
  /** `<kind>:<subject>:<occasion>`: one task per member (or claim) and occasion. */
  id: string;
  dueAt: Date;
  title: string;
  subject: Partial<TaskSubject>;
  /** The purchase a silent or repurchaseDue task is measured from: a later order closes it. */
  basisAt?: Date | null;
}

/** The member fields the finders read. */
export interface OccasionMember {
  _id: unknown;
  birthday?: string | null;
  /** The latest level change only (a `$slice: -1` projection is enough). */
  levelChanges?: { from?: string | null; to?: string | null; at?: Date | null; reason?: string | null }[] | null;
  metrics?: { lastPurchaseAt?: Date | null; purchaseTimes?: Date[] | null } | null;
}

const dayText = (dayNumber: number) => chinaDate(new Date(dayNumber * DAY));

/**
 * @param day a China day YYYY-MM-DD.
 * @param time HH:mm China time.
 * @returns the instant.
 */
export function chinaTimeOn(day: string, time: string): Date {
  return new Date(`${day}T${time}:00+08:00`);
}

/** The member's birthday in the window [today, today + daysAhead], this year's or next. */
function birthday(member: OccasionMember, rules: TaskRules, now: Date): Occasion | null {
  const match = /^(?:\d{4}-)?(\d{2})-(\d{2})$/.exec(member.birthday ?? "");
  if (!match) {
    return null;
  }
  const today = chinaDayNumber(now);
  const year = Number(chinaDate(now).slice(0, 4));
  for (const candidate of [year, year + 1]) {
    const leap = candidate % 4 === 0 && (candidate % 100 !== 0 || candidate % 400 === 0);
    // 2月29日 is celebrated on 2月28日 in other years.
    const md = match[1] === "02" && match[2] === "29" && !leap ? "02-28" : `${match[1]}-${match[2]}`;
    const day = `${candidate}-${md}`;
    const ahead = chinaDayNumber(chinaTimeOn(day, "12:00")) - today;
    if (ahead >= 0 && ahead <= rules.birthday.daysAhead) {
      return { kind: "birthday", id: `birthday:${String(member._id)}:${candidate}`, dueAt: chinaTimeOn(day, rules.birthday.dueTime), title: `${monthDay(day)}生日`, subject: { birthday: day } };
    }
  }
  return null;
}

/** Silence begins the day the window after the last purchase has passed; one task per last purchase. */
function silent(member: OccasionMember, rules: TaskRules, program: Program, now: Date): Occasion | null {
  const last = member.metrics?.lastPurchaseAt;
  if (!last) {
    return null;
  }
  const after = rules.silent.afterDays ?? program.repurchaseWindowDays;
  const begins = chinaDayNumber(last) + after;
  const today = chinaDayNumber(now);
  if (today < begins || today > begins + SILENT_CATCH_UP_DAYS) {
    return null;
  }
  return { kind: "silent", id: `silent:${String(member._id)}:${chinaDate(last)}`, dueAt: chinaTimeOn(dayText(begins), rules.silent.dueTime), title: `${after} 天未购买（上次 ${monthDay(chinaDate(last))}）`, subject: { lastPurchaseAt: last }, basisAt: last };
}

/** The predicted next purchase in [today, today + daysAhead]. */
function repurchaseDue(member: OccasionMember, rules: TaskRules, program: Program, now: Date): Occasion | null {
  const times = [...(member.metrics?.purchaseTimes ?? [])].sort((a, b) => a.getTime() - b.getTime());
  const { predicted } = predictRepurchase(times, program.repurchaseWindowDays);
  if (!predicted) {
    return null;
  }
  const ahead = chinaDayNumber(predicted) - chinaDayNumber(now);
  if (ahead < 0 || ahead > rules.repurchaseDue.daysAhead) {
    return null;
  }
  const day = chinaDate(predicted);
  const last = member.metrics?.lastPurchaseAt ?? times.at(-1) ?? null;
  return { kind: "repurchaseDue", id: `repurchaseDue:${String(member._id)}:${day}`, dueAt: chinaTimeOn(day, rules.repurchaseDue.dueTime), title: `预计${monthDay(day)}复购`, subject: { lastPurchaseAt: last }, basisAt: last };
}

/**
 * The member's latest upgrade, while its congratulation is not yet past due: made by the order's
 * handler as it happens, and again by the daily scan should that handler have died in between.
 *
 * @param member the member with its latest level change.
 * @param rules the rules in force.
 * @param program the programme (the level's name).
 * @param now the clock.
 * @returns the occasion, or null.
 */
export function levelUpOccasion(member: OccasionMember, rules: TaskRules, program: Program, now: Date): Occasion | null {
  const change = member.levelChanges?.at(-1);
  if (!rules.levelUp.enabled || !change?.at || !change.to || change.reason !== "upgrade") {
    return null;
  }
  const dueAt = new Date(change.at.getTime() + rules.levelUp.withinHours * 3_600_000);
  if (dueAt.getTime() < now.getTime()) {
    return null;
  }
  const levelName = program.levels.find((level) => level.code === change.to)?.name ?? change.to;
  return { kind: "levelUp", id: `levelUp:${String(member._id)}:${change.to}:${chinaDate(change.at)}`, dueAt, title: `升级为${levelName}`, subject: {} };
}

/**
 * The member's occasions of the kinds found by reading the member (birthday, silent, repurchase
 * due, a level-up the event missed) that are on.
 *
 * @param member the member.
 * @param rules the rules in force.
 * @param program the programme (its repurchase window).
 * @param now the clock.
 * @returns the occasions, none when nothing is due.
 */
export function memberOccasions(member: OccasionMember, rules: TaskRules, program: Program, now: Date): Occasion[] {
  const found = [
    rules.birthday.enabled ? birthday(member, rules, now) : null,
    rules.silent.enabled ? silent(member, rules, program, now) : null,
    rules.repurchaseDue.enabled ? repurchaseDue(member, rules, program, now) : null,
    levelUpOccasion(member, rules, program, now),
  ];
  return found.filter((occasion): occasion is Occasion => occasion !== null);
}

/**
 * A claimed benefit expiring in the window: due on its last day at the due time, or when it
 * expires if that comes first. Keyed by the claim's slot, never its code: the code redeems the
 * benefit, and task ids are shown to guides.
 *
 * @param claim the claim's slot (`<benefit>:<member>:<period>:<n>`), expiry and its benefit's name.
 * @param rules the rules in force.
 * @returns the occasion.
 */
export function benefitOccasion(claim: { slot: string; redeemBy: Date; benefitName: string }, rules: TaskRules): Occasion {
  const day = chinaDate(claim.redeemBy);
  const atTime = chinaTimeOn(day, rules.benefitExpiring.dueTime);
  return {
    kind: "benefitExpiring",
    id: `benefitExpiring:${claim.slot}:${day}`,
    dueAt: atTime.getTime() < claim.redeemBy.getTime() ? atTime : claim.redeemBy,
    title: `${claim.benefitName} ${monthDay(day)}过期`,
    subject: { benefitName: claim.benefitName, expiresAt: claim.redeemBy },
  };
}

/**
 * @param occasionId a task's id.
 * @returns the claim slot of a benefitExpiring task, or null.
 */
export function claimOfTask(occasionId: string): string | null {
  const match = /^benefitExpiring:(.+):\d{4}-\d{2}-\d{2}$/.exec(occasionId);
  return match ? (match[1] as string) : null;
}
