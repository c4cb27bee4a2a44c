import type { Types } from "mongoose";
import { attachmentProblem, chinaMonth, type MomentAttachmentInput, type MomentKind, type MomentMediaFacts, type MomentStatus } from "../domain/momentRules.ts";
import { ConflictError, NotFoundError, ValidationError } from "../errors.ts";
import { Moment, type MomentAttrs } from "../models/Moment.ts";
import { mediaFilesByIds, mediaProblemFor } from "./mediaLibrary.ts";
import { mixChange, settleMomentMix } from "./momentMix.ts";
import { resolveMomentPublishers, type MomentPublisherChoice } from "./momentPublishers.ts";
import { cancelMomentJobs, schedulePublish } from "./momentTimer.ts";

export type StoredMoment = MomentAttrs & { _id: Types.ObjectId; createdAt: Date; updatedAt: Date };

/** What the console sends for a moment (validated for shape at the edge). */
export interface MomentInput {
  text: string;
  attachment: MomentAttachmentInput;
  kind: MomentKind;
  publishers: MomentPublisherChoice;
  visibleTagIds: string[];
  scheduledAt: Date;
  syncDays: number;
  /** Keep it as a draft: no job, and the time may still be open to change. */
  draft: boolean;
}

/** Moments may change or go only before the task goes to WeCom. */
const EDITABLE: MomentStatus[] = ["draft", "scheduled"];

/**
 * Refuse what WeCom would refuse, or what would publish nothing, before anything is stored.
 *
 * @param input the moment.
 * @param now the clock (a scheduled time must be ahead of it).
 */
async function check(input: MomentInput, now: Date): Promise<void> {
  if (!input.text.trim() && input.attachment.type === "none") {
    throw ValidationError("text: 请填写文字或添加图片、视频、链接");
  }
  const ids = [...input.attachment.fileIds, ...(input.attachment.link?.coverFileId ? [input.attachment.link.coverFileId] : [])];
  const files = ids.length > 0 ? await mediaFilesByIds(ids) : [];
  const facts = new Map<string, MomentMediaFacts>(files.map((file) => [file.id, file]));
  const problem = attachmentProblem(input.attachment, facts);
  if (problem) {
    throw ValidationError(problem);
  }
  for (const file of files) {
    const unfit = mediaProblemFor(file, "moment");
    if (unfit) {
      throw ValidationError(unfit.replace(/^file:/, "attachment.fileIds:"));
    }
  }
  if (!input.draft && input.scheduledAt.getTime() <= now.getTime()) {
    throw ValidationError("scheduledAt: 发表时间已过，请选择将来的时间");
  }
  if ((await resolveMomentPublishers(input.publishers)).length === 0) {
    throw ValidationError("publishers: 所选门店、部门或导购中没有可发表的在职导购");
  }
}

const fields = (input: MomentInput) => ({
  text: input.text,
  attachment: input.attachment,
  kind: input.kind,
  publishers: input.publishers,
  visibleTagIds: input.visibleTagIds,
  scheduledAt: input.scheduledAt,
  month: chinaMonth(input.scheduledAt),
  syncDays: input.syncDays,
  status: (input.draft ? "draft" : "scheduled") as MomentStatus,
});

/**
 * Plan a moment: stored (and counted in its month's mix), and unless it is a draft, its publish
 * job set at its time.
 *
 * @param props the input, who creates it and the clock.
 * @returns the stored moment.
 */
export async function createMoment({ input, createdBy, now }: { input: MomentInput; createdBy: string; now: Date }): Promise<StoredMoment> {
  await check(input, now);
  const values = fields(input);
  const moment = await Moment.create({ ...values, createdBy });
  await Moment.updateOne({ _id: moment._id }, { $set: mixChange({ month: values.month, kind: values.kind }) });
  await settleMomentMix(moment._id);
  if (!input.draft) {
    await schedulePublish(String(moment._id), input.scheduledAt);
  }
  return (await Moment.findById(moment._id).lean()) as StoredMoment;
}

async function editable(id: string): Promise<StoredMoment> {
  const moment = (await Moment.findById(id).lean()) as StoredMoment | null;
  if (!moment) {
    throw NotFoundError("moment");
  }
  if (!EDITABLE.includes(moment.status)) {
    throw ConflictError("status: 朋友圈已提交企业微信，不能再修改或删除");
  }
  // A count a crash left half-done is settled before this write records the next.
  await settleMomentMix(moment._id);
  return moment;
}

/**
 * Change a moment that has not gone to WeCom yet; its job moves with its time.
 *
 * @param props the moment, the input and the clock.
 * @returns the stored moment.
 */
export async function updateMoment({ id, input, now }: { id: string; input: MomentInput; now: Date }): Promise<StoredMoment> {
  const moment = await editable(id);
  await check(input, now);
  const values = fields(input);
  // Conditional on the status: the publish job may have claimed it meanwhile.
  const updated = await Moment.findOneAndUpdate(
    { _id: moment._id, status: { $in: EDITABLE } },
    { $set: { ...values, ...mixChange({ month: values.month, kind: values.kind }) } },
    { returnDocument: "after", lean: true },
  );
  if (!updated) {
    throw ConflictError("status: 朋友圈已提交企业微信，不能再修改或删除");
  }
  await settleMomentMix(moment._id);
  if (input.draft) {
    await cancelMomentJobs(id);
  } else {
    await schedulePublish(id, input.scheduledAt);
  }
  return (await Moment.findById(moment._id).lean()) as StoredMoment;
}

/**
 * Delete a moment that has not gone to WeCom yet: its job and its count in the month go with it.
 *
 * @param props the moment.
 */
export async function deleteMoment({ id }: { id: string }): Promise<void> {
  const moment = await editable(id);
  const claimed = await Moment.findOneAndUpdate({ _id: moment._id, status: { $in: EDITABLE } }, { $set: { status: "cancelled", ...mixChange(null) } });
  if (!claimed) {
    throw ConflictError("status: 朋友圈已提交企业微信，不能再修改或删除");
  }
  await cancelMomentJobs(id);
  await settleMomentMix(moment._id);
  await Moment.deleteOne({ _id: moment._id });
}
