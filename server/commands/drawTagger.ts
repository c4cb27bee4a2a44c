import type { DrawParticipant } from "../domain/drawParticipant.ts";
import { insertNew } from "../db/duplicates.ts";
import { Follow } from "../models/Follow.ts";
import { DrawTagTask } from "../models/DrawTagTask.ts";
import type { StoredDraw } from "../models/LuckyDraw.ts";
import type { WeComClient } from "../wecom/client.ts";
import { participantKeyHash } from "./drawAuditor.ts";
import followTagger from "./followTagger.ts";

const MAX_ATTEMPTS = 5;

/**
 * Note the tags a draw owes (on taking part, on winning). Only customers known to WeCom can be
 * tagged; the keys make a second draw or a retry owe nothing new.
 *
 * @param props the draw, who drew, whether they won, the clock.
 */
export async function owedTags(props: { draw: Pick<StoredDraw, "_id" | "tagsOnJoin" | "tagsOnWin">; participant: DrawParticipant; won: boolean; winId: string | null; now: Date }): Promise<void> {
  const { draw, participant, now } = props;
  const externalUserId = participant.externalUserId;
  if (!externalUserId) {
    return;
  }
  const tasks = [];
  if (draw.tagsOnJoin.length > 0) {
    tasks.push({ _id: `${draw._id}:${participantKeyHash(participant.key)}:join`, drawId: draw._id, externalUserId, tagIds: draw.tagsOnJoin, status: "pending", attempts: 0, lastError: null, at: now });
  }
  if (props.won && props.winId && draw.tagsOnWin.length > 0) {
    tasks.push({ _id: `${draw._id}:win:${props.winId}`, drawId: draw._id, externalUserId, tagIds: draw.tagsOnWin, status: "pending", attempts: 0, lastError: null, at: now });
  }
  await insertNew(DrawTagTask.collection, tasks);
}

/**
 * Apply owed tags through WeCom, for every guide who follows the customer (corp tags are per
 * follow). A failure is retried on the next run, up to MAX_ATTEMPTS.
 *
 * @param props the WeCom client and a batch size.
 * @returns how many tasks were done and failed.
 */
export async function applyOwedTags(props: { wecom: WeComClient; limit?: number }): Promise<{ done: number; failed: number }> {
  const tasks = await DrawTagTask.find({ status: "pending" }).sort({ at: 1 }).limit(props.limit ?? 200).lean();
  let done = 0;
  let failed = 0;
  for (const task of tasks) {
    try {
      const follows = await Follow.find({ externalUserId: task.externalUserId, status: "active" }, { userId: 1 }).lean();
      for (const follow of follows) {
        await followTagger({ wecom: props.wecom, userId: follow.userId, externalUserId: task.externalUserId, add: task.tagIds, remove: [] });
      }
      await DrawTagTask.updateOne({ _id: task._id }, { $set: { status: "done" } });
      done += 1;
    } catch (error) {
      const attempts = task.attempts + 1;
      await DrawTagTask.updateOne({ _id: task._id }, { $set: { attempts, lastError: error instanceof Error ? error.message.slice(0, 200) : "error", status: attempts >= MAX_ATTEMPTS ? "failed" : "pending" } });
      failed += 1;
    }
  }
  return { done, failed };
}
