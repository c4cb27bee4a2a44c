import { chinaDayNumber } from "../domain/chinaTime.ts";
import { AppError, WeComApiError } from "../errors.ts";
import { Customer } from "../models/Customer.ts";
import { CustomerLoss } from "../models/CustomerLoss.ts";
import { Department } from "../models/Department.ts";
import { Employee } from "../models/Employee.ts";
import { Follow } from "../models/Follow.ts";
import { WeComNetworkError, type WeComClient } from "../wecom/client.ts";

interface Props {
  wecom: WeComClient;
  /** The self-built app that sends app messages; without one nobody is told by message. */
  agentId?: string | undefined;
  externalUserId: string;
  userId: string;
  deletedAt: Date;
}

const isDuplicateKey = (error: unknown) => typeof error === "object" && error !== null && (error as { code?: unknown }).code === 11000;

/**
 * Record that a customer deleted a guide (del_follow_user), once per follow and deletion time,
 * with the guide's store, the channel code and how long the customer stayed; then tell the guide
 * and the store's managers by app message, once per loss.
 *
 * @param props the client, the agent, which follow and when it ended.
 * @returns the loss's key.
 */
export default async function lossRecorder({ wecom, agentId, externalUserId, userId, deletedAt }: Props): Promise<string> {
  const id = `${externalUserId}:${userId}:${deletedAt.getTime()}`;
  const [follow, customer, guide] = await Promise.all([
    Follow.findOne({ externalUserId, userId }, { state: 1, addedAt: 1 }).lean(),
    Customer.findOne({ externalUserId }, { name: 1 }).lean(),
    Employee.findOne({ userId }, { mainDepartmentId: 1, departmentIds: 1 }).lean(),
  ]);
  const storeNumber = guide?.mainDepartmentId ?? guide?.departmentIds[0] ?? null;
  const addedAt = follow?.addedAt ?? null;
  try {
    await CustomerLoss.create({
      _id: id,
      externalUserId,
      customerName: customer?.name ?? "",
      userId,
      storeId: storeNumber === null ? null : String(storeNumber),
      state: follow?.state ?? "",
      addedAt,
      deletedAt,
      daysSinceAdd: addedAt ? Math.max(0, chinaDayNumber(deletedAt) - chinaDayNumber(addedAt)) : null,
    });
  } catch (error) {
    if (!isDuplicateKey(error)) {
      throw error;
    }
  }
  await notify(wecom, agentId, id);
  return id;
}

// Sends while the loss is pending. A retry after a send whose result was not stored repeats the
// same request body, which WeCom's duplicate check delivers once (wecom-reference §10.1).
async function notify(wecom: WeComClient, agentId: string | undefined, id: string): Promise<void> {
  const loss = await CustomerLoss.findById(id).lean();
  if (!loss || loss.notice !== "pending") {
    return;
  }
  if (!agentId) {
    await CustomerLoss.updateOne({ _id: id, notice: "pending" }, { $set: { notice: "skipped" } });
    return;
  }
  const storeIds = loss.storeId ? [loss.storeId] : [];
  const [managers, guide, store] = await Promise.all([
    storeIds.length > 0 ? Employee.find({ role: "manager", scopeStoreIds: { $in: storeIds }, deleted: false }, { userId: 1 }).lean() : [],
    Employee.findOne({ userId: loss.userId }, { name: 1 }).lean(),
    loss.storeId ? Department.findOne({ departmentId: Number(loss.storeId) }, { name: 1 }).lean() : null,
  ]);
  const recipients = [...new Set([loss.userId, ...managers.map((manager) => manager.userId)])];
  const stayed = loss.daysSinceAdd === null ? "" : `，添加 ${loss.daysSinceAdd} 天`;
  const channel = loss.state ? `，来自渠道码「${loss.state}」` : "";
  const content = `流失提醒：客户「${loss.customerName || "未命名客户"}」删除了导购 ${guide?.name || loss.userId}${store ? `（${store.name}）` : ""}${channel}${stayed}。`;
  try {
    await wecom.post(
      "/cgi-bin/message/send",
      { touser: recipients.join("|"), msgtype: "text", agentid: Number(agentId), text: { content }, enable_duplicate_check: 1, duplicate_check_interval: 14_400 },
      { secret: "agent" },
    );
  } catch (error) {
    // WeCom reachable but unwilling, or no agent secret: retrying changes nothing, so keep the
    // answer on the loss. An unreachable WeCom is retried with the event.
    if (error instanceof WeComNetworkError && (error.status === undefined || error.status >= 500)) {
      throw error;
    }
    const reason = error instanceof WeComApiError ? `errcode ${error.errcode}` : error instanceof WeComNetworkError ? `HTTP ${error.status ?? ""}` : error instanceof AppError ? error.id : "unknown";
    await CustomerLoss.updateOne({ _id: id, notice: "pending" }, { $set: { notice: reason === "not_configured" ? "skipped" : "failed", noticeError: reason } });
    return;
  }
  await CustomerLoss.updateOne({ _id: id, notice: "pending" }, { $set: { notice: "sent", notifiedUserIds: recipients } });
}
