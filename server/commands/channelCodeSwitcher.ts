import type { Types } from "mongoose";
import { chinaDate } from "../domain/chinaTime.ts";
import { effectiveAt, nextBoundary, type Effective, type ScheduleInput } from "../domain/channelSchedule.ts";
import { getLogger } from "../logging/logger.ts";
import { ChannelCode, type ChannelCodeAttrs } from "../models/ChannelCode.ts";
import { ChannelCodeDay, channelCodeDayId } from "../models/ChannelCodeDay.ts";
import { Employee } from "../models/Employee.ts";
import type { WeComClient } from "../wecom/client.ts";
import channelCodeReconciler from "./channelCodeReconciler.ts";
import { scheduleSwitch } from "./channelCodeTimer.ts";

type StoredCode = ChannelCodeAttrs & { _id: Types.ObjectId };
/** The parts of a code (stored or about to be) the schedule reads. */
interface CodeConfig {
  type: ChannelCodeAttrs["type"];
  storeId?: string | null;
  guides: readonly { userId: string; slots: readonly { day: number; start: string; end: string }[]; holidays: readonly string[] }[];
  backupGuides: readonly string[];
  dailyCap?: number | null;
  skipVerify?: { mode: "always" | "never" | "window"; start?: string | null; end?: string | null } | null;
}

/**
 * A code's schedule with a store code's guides filled in: the store's employees, each with the
 * slots the operator gave them (none = always on duty).
 *
 * @param code the code's configuration.
 * @returns the schedule the domain rule reads.
 */
export async function scheduleOf(code: CodeConfig): Promise<ScheduleInput> {
  let guides = code.guides.map((guide) => ({ userId: guide.userId, slots: guide.slots.map(({ day, start, end }) => ({ day, start, end })), holidays: [...guide.holidays] }));
  if (code.type === "store" && code.storeId) {
    const staff = await Employee.find({ departmentIds: Number(code.storeId), deleted: { $ne: true } }, { userId: 1 }).lean();
    const listed = new Set(guides.map((guide) => guide.userId));
    guides = [...guides, ...staff.filter((employee) => !listed.has(employee.userId)).map((employee) => ({ userId: employee.userId, slots: [], holidays: [] }))];
  }
  return {
    single: code.type === "single",
    guides,
    backupGuides: [...code.backupGuides],
    dailyCap: code.dailyCap ?? null,
    skipVerify: { mode: code.skipVerify?.mode ?? "always", start: code.skipVerify?.start ?? null, end: code.skipVerify?.end ?? null },
  };
}

/**
 * Adds per guide today (China day), read by key.
 *
 * @param codeId the code.
 * @param userIds the guides.
 * @param at the moment.
 * @returns adds per guide.
 */
export async function addsOn(codeId: string, userIds: string[], at: Date): Promise<Map<string, number>> {
  const day = chinaDate(at);
  const counters = await Promise.all([...new Set(userIds)].map((userId) => ChannelCodeDay.findById(channelCodeDayId(codeId, day, userId), { adds: 1, userId: 1 }).lean()));
  return new Map(counters.flatMap((counter) => (counter ? [[counter.userId, counter.adds] as const] : [])));
}

/**
 * Who answers a code at a moment, and when that can next change by the clock.
 *
 * @param code the code (id and configuration).
 * @param at the moment.
 * @returns the effective set, the schedule and the next boundary.
 */
export async function effectiveNow(code: CodeConfig & { _id: Types.ObjectId }, at: Date): Promise<{ effective: Effective; schedule: ScheduleInput; next: Date }> {
  const schedule = await scheduleOf(code);
  const adds = await addsOn(String(code._id), [...schedule.guides.map((guide) => guide.userId), ...schedule.backupGuides], at);
  return { effective: effectiveAt(schedule, at, adds), schedule, next: nextBoundary(schedule, at) };
}

/**
 * @param a one setting.
 * @param b another.
 * @returns whether WeCom would hold the same guides and verification for both.
 */
export const sameEffective = (a: Effective | null | undefined, b: Effective) =>
  !!a && a.skipVerify === b.skipVerify && a.userIds.length === b.userIds.length && a.userIds.every((id, index) => id === b.userIds[index]);

/**
 * Re-apply a code's schedule: when the guides who should answer or the verification setting
 * differ from what WeCom holds, one update_contact_way; otherwise nothing. Then the code's one
 * switch job is set for its next boundary. Concurrent callers (two adds reaching the cap) claim
 * the change with a conditional update on what WeCom held, so only one of them calls WeCom.
 *
 * @param props the client, the code and the clock.
 * @returns whether WeCom was updated.
 */
export default async function channelCodeSwitcher({ wecom, codeId, now }: { wecom: WeComClient; codeId: string; now: Date }): Promise<{ changed: boolean }> {
  let code = (await ChannelCode.findById(codeId).lean()) as StoredCode | null;
  if (code?.status === "pending") {
    // The create's job, set before WeCom was asked: settle a create that never stored its answer.
    await channelCodeReconciler({ wecom, codeId, now });
    code = (await ChannelCode.findById(codeId).lean()) as StoredCode | null;
  }
  if (!code || code.status !== "active" || !code.configId) {
    return { changed: false };
  }
  const { effective, next } = await effectiveNow(code, now);
  let changed = false;
  const held = code.applied ? { userIds: [...code.applied.userIds], skipVerify: code.applied.skipVerify } : null;
  if (!sameEffective(held, effective)) {
    const claim = await ChannelCode.updateOne(
      { _id: code._id, "applied.userIds": held?.userIds ?? [], "applied.skipVerify": held?.skipVerify ?? true },
      { $set: { "applied.userIds": effective.userIds, "applied.skipVerify": effective.skipVerify } },
    );
    if (claim.modifiedCount === 1) {
      try {
        await wecom.post("/cgi-bin/externalcontact/update_contact_way", { config_id: code.configId, user: effective.userIds, skip_verify: effective.skipVerify });
        changed = true;
      } catch (error) {
        // WeCom kept the old set: say so in the document too, so the next run tries again.
        await ChannelCode.updateOne({ _id: code._id }, { $set: { "applied.userIds": held?.userIds ?? [], "applied.skipVerify": held?.skipVerify ?? true } });
        throw error;
      }
    }
  }
  await ChannelCode.updateOne({ _id: code._id }, { $set: { nextSwitchAt: next } });
  await scheduleSwitch(String(code._id), next);
  if (changed) {
    getLogger("job").info({ codeId, guides: effective.userIds.length, skipVerify: effective.skipVerify }, "channel code switched");
  }
  return { changed };
}
