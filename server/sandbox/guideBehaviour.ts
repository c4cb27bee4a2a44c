// How the sandbox's guides treat a task that reaches their WeCom client (a moment to publish, a
// mass message to send): most act within the hour, some take most of the day, a few never do, so
// the completion pages show a real spread. Deterministic per guide and task, so a replayed demo
// and a test see the same people act.
import { createHash } from "node:crypto";

const unit = (text: string): number => createHash("sha256").update(text).digest().readUInt32BE(0) / 0x1_0000_0000;

/**
 * @param userid the sandbox guide.
 * @param taskId the task (a moment's jobid, a mass message's msgid).
 * @returns seconds after the task reached the guide when they act on it, or null when they never do.
 */
export function sandboxGuideDelay(userid: string, taskId: string): number | null {
  // The guide's habit first: some guides are prompt, some slow, a few let tasks lie.
  const habit = unit(`habit:${userid}`);
  const chance = unit(`task:${userid}:${taskId}`);
  const neverShare = habit < 0.15 ? 0.7 : habit < 0.4 ? 0.2 : 0.05;
  if (chance < neverShare) {
    return null;
  }
  const spread = (chance - neverShare) / (1 - neverShare);
  // Prompt guides: 3–60 minutes; slow ones: 1–8 hours.
  return habit >= 0.4 ? Math.round(180 + spread * 3420) : Math.round(3600 + spread * 25_200);
}
