// Who answers a channel code at a given moment, on China's clock (UTC+8, no daylight saving).
// Pure: the code's schedule in, the guide set and verification setting out, so the job, the
// console's "who answers now" and the tests all read one rule.
import { CHINA_OFFSET_MS, chinaDate } from "./chinaTime.ts";

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

/** One weekly duty slot: day 1 (Monday) to 7 (Sunday), "HH:mm" to "HH:mm" (end may be "24:00"). */
export interface Slot {
  day: number;
  start: string;
  end: string;
}

/** A guide of a code: weekly slots (none = always on duty) and China dates off. */
export interface ScheduledGuide {
  userId: string;
  slots: Slot[];
  holidays: string[];
}

export type SkipVerifyMode = "always" | "never" | "window";

/** What the schedule needs of a code. */
export interface ScheduleInput {
  single: boolean;
  guides: ScheduledGuide[];
  backupGuides: string[];
  dailyCap: number | null;
  skipVerify: { mode: SkipVerifyMode; start?: string | null; end?: string | null };
}

/** What WeCom should hold for the code. */
export interface Effective {
  userIds: string[];
  skipVerify: boolean;
}

/**
 * @param hhmm "HH:mm" (00:00–24:00).
 * @returns minutes since midnight.
 */
export function minutesOf(hhmm: string): number {
  const [hours = "0", minutes = "0"] = hhmm.split(":");
  return Number(hours) * 60 + Number(minutes);
}

function chinaClock(at: Date): { day: number; minute: number; midnight: number } {
  const shifted = at.getTime() + CHINA_OFFSET_MS;
  const local = new Date(shifted);
  const weekday = local.getUTCDay();
  const midnight = Math.floor(shifted / DAY_MS) * DAY_MS - CHINA_OFFSET_MS;
  return { day: weekday === 0 ? 7 : weekday, minute: local.getUTCHours() * 60 + local.getUTCMinutes(), midnight };
}

/**
 * @param guide the guide's schedule.
 * @param at the moment.
 * @returns whether the guide is on duty then (holidays first, then slots; no slots = always).
 */
export function isOnDuty(guide: ScheduledGuide, at: Date): boolean {
  if (guide.holidays.includes(chinaDate(at))) {
    return false;
  }
  if (guide.slots.length === 0) {
    return true;
  }
  const { day, minute } = chinaClock(at);
  return guide.slots.some((slot) => slot.day === day && minutesOf(slot.start) <= minute && minute < minutesOf(slot.end));
}

function skipVerifyAt(input: ScheduleInput, at: Date): boolean {
  const { mode, start, end } = input.skipVerify;
  if (mode !== "window") {
    return mode === "always";
  }
  const { minute } = chinaClock(at);
  const from = minutesOf(start ?? "00:00");
  const to = minutesOf(end ?? "24:00");
  // A window such as 22:00–08:00 wraps past midnight.
  return from <= to ? from <= minute && minute < to : minute >= from || minute < to;
}

/**
 * The guides who answer at a moment and whether customers skip verification. Guides at the daily
 * cap leave the code; when no scheduled guide is left, the backups step in. WeCom needs at least
 * one member, so a code whose every guide is off or capped keeps its backups, then its on-duty
 * guides, then everyone (a customer is never turned away by an empty code).
 *
 * @param input the code's schedule.
 * @param at the moment.
 * @param addsToday adds per guide on at's China day.
 * @returns the sorted guide set and the verification setting.
 */
export function effectiveAt(input: ScheduleInput, at: Date, addsToday: Map<string, number>): Effective {
  const underCap = (userId: string) => input.dailyCap === null || (addsToday.get(userId) ?? 0) < input.dailyCap;
  const onDuty = input.guides.filter((guide) => isOnDuty(guide, at)).map((guide) => guide.userId);
  const choices = [onDuty.filter(underCap), input.backupGuides.filter(underCap), input.backupGuides, onDuty, input.guides.map((guide) => guide.userId)];
  const picked = choices.find((list) => list.length > 0) ?? [];
  const userIds = [...new Set(picked)];
  return { userIds: input.single ? userIds.slice(0, 1) : userIds.sort(), skipVerify: skipVerifyAt(input, at) };
}

/**
 * The next moment the answer of {@link effectiveAt} can change by the clock alone: a slot's start
 * or end, the verification window's edges, or China midnight (holidays and caps turn over).
 *
 * @param input the code's schedule.
 * @param at now.
 * @returns the first boundary strictly after at.
 */
export function nextBoundary(input: ScheduleInput, at: Date): Date {
  const { day, midnight } = chinaClock(at);
  const minutesByDay = new Map<number, number[]>();
  const add = (weekday: number | null, minute: number) => {
    for (const key of weekday === null ? [1, 2, 3, 4, 5, 6, 7] : [weekday]) {
      minutesByDay.set(key, [...(minutesByDay.get(key) ?? []), minute]);
    }
  };
  for (const guide of input.guides) {
    for (const slot of guide.slots) {
      add(slot.day, minutesOf(slot.start));
      add(slot.day, minutesOf(slot.end));
    }
  }
  if (input.skipVerify.mode === "window") {
    add(null, minutesOf(input.skipVerify.start ?? "00:00"));
    add(null, minutesOf(input.skipVerify.end ?? "24:00"));
  }
  let best = midnight + DAY_MS;
  for (let offset = 0; offset <= 7; offset++) {
    const weekday = ((day - 1 + offset) % 7) + 1;
    for (const minute of minutesByDay.get(weekday) ?? []) {
      const candidate = midnight + offset * DAY_MS + minute * MINUTE_MS;
      if (candidate > at.getTime() && candidate < best) {
        best = candidate;
      }
    }
  }
  return new Date(best);
}

/**
 * A guide's slots that overlap each other on one day, or run backwards.
 *
 * @param slots the guide's weekly slots.
 * @returns the index of the first bad slot and why, or null when they are fine.
 */
export function slotProblem(slots: Slot[]): { index: number; message: string } | null {
  for (const [index, slot] of slots.entries()) {
    if (minutesOf(slot.start) >= minutesOf(slot.end)) {
      return { index, message: "结束时间必须晚于开始时间" };
    }
    const clash = slots.findIndex(
      (other, otherIndex) =>
        otherIndex < index && other.day === slot.day && minutesOf(other.start) < minutesOf(slot.end) && minutesOf(slot.start) < minutesOf(other.end),
    );
    if (clash >= 0) {
      return { index, message: `与第 ${clash + 1} 个时段重叠` };
    }
  }
  return null;
}
