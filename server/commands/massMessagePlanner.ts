import { MASS_LIMITS, MassMessage, type MassMessageAttrs } from "../models/MassMessage.ts";
import { MassMessageTask, massTaskId } from "../models/MassMessageTask.ts";
import { audienceRecipients } from "./massMessageAudience.ts";
import { assignCampaignGuides } from "./campaignCompletion.ts";

/** What a plan came to. */
export interface PlanResult {
  planned: number;
  unreachable: number;
  guides: number;
  tasks: number;
}

interface GuideBuffer {
  chunk: number;
  inChunk: number;
  total: number;
  pending: string[];
}

/**
 * Split a campaign's audience into per-guide chunk tasks (≤10,000 customers or ≤2,000 groups per
 * task), streaming the audience once. Each guide's recipients wait in a buffer that is written
 * when the chunk is full or when all buffers together pass `bufferBound`, by $push onto the
 * chunk's document addressed by its exact _id; memory stays bounded by `bufferBound` recipients
 * plus a counter per guide, whatever the audience's size. A plan cut short by a crash is redone
 * from the start (its partial tasks removed first); nothing is dispatched before it finishes.
 *
 * @param props the campaign, the clock, and for tests smaller chunk and buffer bounds.
 * @returns the plan's figures (the campaign moves to dispatching, or failed for an empty audience).
 */
export default async function massMessagePlanner(props: { massMessageId: string; now: Date; chunkSize?: number; bufferBound?: number }): Promise<PlanResult> {
  const { massMessageId, now } = props;
  const campaign = await MassMessage.findOneAndUpdate({ _id: massMessageId, status: { $in: ["scheduled", "planning"] } }, { $set: { status: "planning" } }, { returnDocument: "before", lean: true }) as (MassMessageAttrs & { _id: unknown }) | null;
  if (!campaign) {
    throw new Error(`massMessagePlanner: ${massMessageId} is not waiting to be planned`);
  }
  if (campaign.status === "planning") {
    // An earlier plan died midway: its chunks would be pushed onto twice.
    await MassMessageTask.deleteMany({ massMessageId });
  }
  const isGroups = campaign.audience.kind === "groups";
  const chunkSize = props.chunkSize ?? (isGroups ? MASS_LIMITS.groupsPerTask : MASS_LIMITS.customersPerTask);
  const bufferBound = props.bufferBound ?? 200_000;
  const chatType = isGroups ? "group" : "single";
  const guides = new Map<string, GuideBuffer>();
  let buffered = 0;
  let unreachable = 0;

  const flush = async (userId: string, guide: GuideBuffer) => {
    if (guide.pending.length === 0) {
      return;
    }
    const recipients = guide.pending;
    guide.pending = [];
    buffered -= recipients.length;
    await MassMessageTask.updateOne(
      { _id: massTaskId(massMessageId, userId, guide.chunk) },
      { $push: { recipients: { $each: recipients } }, $setOnInsert: { massMessageId, userId, chunk: guide.chunk, chatType, state: "planned" } },
      { upsert: true },
    );
  };

  for await (const batch of audienceRecipients(campaign, now)) {
    for (const { userId, recipient } of batch) {
      if (!userId || !recipient) {
        unreachable += 1;
        continue;
      }
      const guide = guides.get(userId) ?? { chunk: 0, inChunk: 0, total: 0, pending: [] };
      guides.set(userId, guide);
      guide.pending.push(recipient);
      guide.inChunk += 1;
      guide.total += 1;
      buffered += 1;
      if (guide.inChunk >= chunkSize) {
        await flush(userId, guide);
        guide.chunk += 1;
        guide.inChunk = 0;
      }
    }
    if (buffered > bufferBound) {
      for (const [userId, guide] of guides) {
        await flush(userId, guide);
      }
    }
  }
  for (const [userId, guide] of guides) {
    await flush(userId, guide);
  }
  const plan = [...guides].map(([userId, guide]) => ({ userId, chunks: guide.chunk + (guide.inChunk > 0 ? 1 : 0), recipients: guide.total }));
  const result = { planned: plan.reduce((sum, entry) => sum + entry.recipients, 0), unreachable, guides: plan.length, tasks: plan.reduce((sum, entry) => sum + entry.chunks, 0) };
  if (result.planned === 0) {
    await MassMessage.updateOne({ _id: massMessageId, status: "planning" }, { $set: { status: "failed", failReason: "受众为空：没有可由导购发送的客户", plan: [], "progress.unreachable": unreachable } });
    return result;
  }
  await assignCampaignGuides("mass", massMessageId, plan.map((entry) => entry.userId), now);
  await MassMessage.updateOne(
    { _id: massMessageId, status: "planning" },
    { $set: { status: "dispatching", plan, plannedAt: now, "progress.planned": result.planned, "progress.unreachable": unreachable, "progress.guides": result.guides, "progress.tasks": result.tasks, "progress.tasksCreated": 0, "progress.tasksFailed": 0 } },
  );
  return result;
}
