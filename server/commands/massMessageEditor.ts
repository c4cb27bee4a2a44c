import { ValidationError } from "../errors.ts";
import { MassMessage, type MassAudience, type MassMessageAttrs } from "../models/MassMessage.ts";
import { Segment } from "../models/Segment.ts";
import { audienceCount } from "./massMessageAudience.ts";
import { cancelMassDispatch, scheduleMassDispatch } from "./massMessageTimer.ts";
import { mediaFilesByIds } from "./mediaLibrary.ts";

/** What the console sends for a mass message (validated at the edge). */
export interface MassInput {
  name: string;
  text: string;
  attachments: { kind: "image" | "video" | "link" | "miniprogram"; fileId?: string; title?: string; url?: string; desc?: string; picUrl?: string; appid?: string; page?: string }[];
  audience: MassAudience;
  guideRule: "last_contact" | "home_store" | "first_added";
  sendAt: Date | null;
  syncDays: number;
}

export type StoredMass = MassMessageAttrs & { _id: { toString(): string }; createdAt: Date; updatedAt: Date };

/** What the database must still hold: the segment, the files. Refused naming the field. */
async function checkReferences(input: MassInput): Promise<void> {
  if (input.audience.kind === "segment" && !(await Segment.exists({ _id: input.audience.segmentId }))) {
    throw ValidationError("audience.segmentId: 人群已被删除，请重新选择");
  }
  const fileIds = input.attachments.map((attachment) => attachment.fileId).filter((fileId): fileId is string => Boolean(fileId));
  if (fileIds.length > 0) {
    const found = new Set((await mediaFilesByIds(fileIds)).map((file) => file.id));
    const missing = fileIds.findIndex((fileId) => !found.has(fileId));
    if (missing >= 0) {
      throw ValidationError(`attachments.${missing}.fileId: 素材已被删除，请重新上传`);
    }
  }
}

const fields = (input: MassInput) => ({
  name: input.name,
  text: input.text,
  attachments: input.attachments,
  audience: { kind: input.audience.kind, segmentId: input.audience.kind === "segment" ? input.audience.segmentId : null, tagIds: input.audience.kind === "tags" ? input.audience.tagIds : [], ownerIds: input.audience.kind === "groups" ? input.audience.ownerIds : [] },
  guideRule: input.guideRule,
  sendAt: input.sendAt,
  syncDays: input.syncDays,
});

/**
 * @param props the input, who and when.
 * @returns the new draft.
 */
export async function createMass({ input, createdBy, now }: { input: MassInput; createdBy: string; now: Date }): Promise<StoredMass> {
  await checkTime(input.sendAt, now);
  await checkReferences(input);
  const created = await MassMessage.create({ ...fields(input), status: "draft", createdBy });
  return created.toObject() as unknown as StoredMass;
}

async function checkTime(sendAt: Date | null, now: Date): Promise<void> {
  if (sendAt && sendAt.getTime() < now.getTime() - 60_000) {
    throw ValidationError("sendAt: 发送时间不能早于现在");
  }
}

/**
 * Edit before dispatch (a draft, or a scheduled one whose time has not come: it stays scheduled at the new time).
 *
 * @param props the campaign, the input and the clock.
 * @returns the updated campaign.
 */
export async function updateMass({ id, input, now }: { id: string; input: MassInput; now: Date }): Promise<StoredMass> {
  await checkTime(input.sendAt, now);
  await checkReferences(input);
  const updated = (await MassMessage.findOneAndUpdate({ _id: id, status: { $in: ["draft", "scheduled"] } }, { $set: fields(input) }, { returnDocument: "after", lean: true })) as StoredMass | null;
  if (!updated) {
    throw ValidationError("status: 群发已开始发送，不能再修改");
  }
  if (updated.status === "scheduled") {
    await scheduleMassDispatch(id, updated.sendAt ?? now);
  }
  return updated;
}

/**
 * Schedule (or send now): the audience must reach someone and the time must not be past.
 *
 * @param props the campaign and the clock.
 * @returns the scheduled campaign.
 */
export async function scheduleMass({ id, now }: { id: string; now: Date }): Promise<StoredMass> {
  const campaign = (await MassMessage.findById(id).lean()) as StoredMass | null;
  if (!campaign || campaign.status !== "draft") {
    throw ValidationError("status: 只有草稿可以发送");
  }
  await checkTime(campaign.sendAt ?? null, now);
  if (campaign.audience.kind === "segment" && !(await Segment.exists({ _id: campaign.audience.segmentId }))) {
    throw ValidationError("audience.segmentId: 人群已被删除，请重新选择");
  }
  if ((await audienceCount(campaign.audience, now)) === 0) {
    throw ValidationError("audience: 受众为空，没有可由导购发送的客户或客户群");
  }
  const scheduled = (await MassMessage.findOneAndUpdate({ _id: id, status: "draft" }, { $set: { status: "scheduled" } }, { returnDocument: "after", lean: true })) as StoredMass | null;
  if (!scheduled) {
    throw ValidationError("status: 只有草稿可以发送");
  }
  await scheduleMassDispatch(id, campaign.sendAt && campaign.sendAt > now ? campaign.sendAt : now);
  return scheduled;
}

/**
 * Delete a draft (or a scheduled one whose time has not come: its job goes too).
 *
 * @param props the campaign.
 */
export async function deleteMass({ id }: { id: string }): Promise<void> {
  const removed = await MassMessage.findOneAndDelete({ _id: id, status: { $in: ["draft", "scheduled"] } }).lean();
  if (!removed) {
    throw ValidationError("status: 已开始发送的群发不能删除，可以取消");
  }
  await cancelMassDispatch(id);
}
