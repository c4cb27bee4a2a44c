import { getLogger } from "../logging/logger.ts";
import { Employee } from "../models/Employee.ts";
import { Funnel, type StoredFunnel } from "../models/Funnel.ts";
import type { WeComClient } from "../wecom/client.ts";

/**
 * Tell the operators by app message that a funnel's pool is running dry, once per warning: the
 * send is claimed by setting `warning.notifiedAt` while it is null, so concurrent rotations and
 * the job send one message. Without an agent the warning stays in the console only.
 *
 * @param wecom the client.
 * @param funnel the funnel, as the rotation that set its warning left it.
 * @param agentId the self-built app's agentid, if one is configured.
 * @param now the clock.
 * @returns whether a message was sent.
 */
export default async function funnelWarning(wecom: WeComClient, funnel: StoredFunnel, agentId: string | undefined, now: Date): Promise<boolean> {
  if (!agentId || !funnel.warning) {
    return false;
  }
  const claimed = await Funnel.updateOne({ _id: funnel._id, "warning.notifiedAt": null }, { $set: { "warning.notifiedAt": now } });
  if (claimed.modifiedCount === 0) {
    return false;
  }
  const operators = await Employee.find({ role: { $in: ["admin", "operator"] }, deleted: false }, { userId: 1 }).lean();
  if (operators.length === 0) {
    return false;
  }
  const usable = funnel.warning.usable ?? 0;
  const content = `群活码预警：「${funnel.name}」只剩 ${usable} 个可用的群（预警线 ${funnel.lowPoolWarning} 个），请尽快在控制台「群活码」里添加新群或上传新的群二维码。`;
  try {
    await wecom.post(
      "/cgi-bin/message/send",
      { touser: operators.map((operator) => operator.userId).join("|"), msgtype: "text", agentid: Number(agentId), text: { content } },
      { secret: "agent" },
    );
    return true;
  } catch (error) {
    // The warning is on the console either way; a failed message is not worth failing a join for.
    getLogger("job").warn({ funnelId: String(funnel._id), err: error }, "funnel warning message not sent");
    return false;
  }
}
