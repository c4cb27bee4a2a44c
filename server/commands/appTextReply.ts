// What the app answers when an employee texts it (wecom-reference §2.5, §10.2): "任务" gets the
// list of their open tasks; anything else gets no answer (the ordinary "success").
import { cutToBytes } from "./guideAppMessages.ts";
import { taskListText } from "./guideTaskSummary.ts";

/** The word an employee texts the app to get their task list. */
export const TASK_KEYWORD = "任务";
/** A passive text reply's Content is at most 2048 bytes. */
const MAX_REPLY_BYTES = 2048;

/**
 * @param message the stored message's MsgType, sender and Content (other fields ignored).
 * @param now the clock.
 * @returns the reply's text, or null when the message gets none.
 */
export default async function appTextReply(message: { MsgType?: unknown; FromUserName?: unknown; Content?: unknown }, now: Date): Promise<string | null> {
  if (message.MsgType !== "text" || typeof message.FromUserName !== "string" || typeof message.Content !== "string") {
    return null;
  }
  if (message.Content.trim() !== TASK_KEYWORD) {
    return null;
  }
  return cutToBytes(await taskListText(message.FromUserName, now), MAX_REPLY_BYTES);
}
