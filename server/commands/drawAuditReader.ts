import type { Types } from "mongoose";
import { DrawAudit, type DrawAuditKind } from "../models/DrawAudit.ts";
import { DrawWin } from "../models/DrawWin.ts";
import { Employee } from "../models/Employee.ts";
import { participantKeyHash } from "./drawAuditor.ts";

/** Which audit lines of a draw. */
export interface DrawAuditFilter {
  drawId: Types.ObjectId;
  kind?: DrawAuditKind | undefined;
  /** From this instant (inclusive) to that one (exclusive). */
  from?: Date | null;
  to?: Date | null;
  winId?: string | undefined;
  /** A store manager's customers (drawWinnerScope); null for everyone. */
  externalUserIds: string[] | null;
}

/**
 * A manager reads the lines about their stores' customers, as with the winners: the participant's
 * own lines match by the key's hash (the audit holds no external user id), the lines written
 * without it (stock taken, grants, payouts, shipping) by the customers' win ids. Console edits and
 * status changes concern no customer, so they stay out.
 */
async function scopeCondition(filter: DrawAuditFilter): Promise<Record<string, unknown> | null> {
  if (!filter.externalUserIds) {
    return null;
  }
  const hashes = filter.externalUserIds.map((id) => participantKeyHash(`ext:${id}`));
  const winIds = filter.externalUserIds.length > 0 ? await DrawWin.distinct("_id", { drawId: filter.drawId, externalUserId: { $in: filter.externalUserIds } }) : [];
  return { $or: [{ participantKeyHash: { $in: hashes } }, { winId: { $in: winIds } }] };
}

/**
 * One page of a draw's audit, newest first, paged by the database, with the acting employees' names.
 *
 * @param filter the draw, the filters and the actor's scope.
 * @param page 1-based page.
 * @param pageSize lines per page.
 * @returns the lines, the employees' names by user id and the total.
 */
export async function drawAuditPage(filter: DrawAuditFilter, page: number, pageSize: number) {
  const conditions: Record<string, unknown>[] = [{ drawId: filter.drawId }];
  if (filter.kind) {
    conditions.push({ kind: filter.kind });
  }
  if (filter.from || filter.to) {
    conditions.push({ at: { ...(filter.from ? { $gte: filter.from } : {}), ...(filter.to ? { $lt: filter.to } : {}) } });
  }
  if (filter.winId) {
    conditions.push({ winId: filter.winId });
  }
  const scope = await scopeCondition(filter);
  if (scope) {
    conditions.push(scope);
  }
  const query = conditions.length === 1 ? conditions[0]! : { $and: conditions };
  const [lines, total] = await Promise.all([
    DrawAudit.find(query).sort({ at: -1, _id: -1 }).skip((page - 1) * pageSize).limit(pageSize).lean(),
    DrawAudit.countDocuments(query),
  ]);
  const userIds = [...new Set(lines.map((line) => line.actor).filter((actor) => actor !== "participant" && actor !== "system"))];
  const employees = userIds.length > 0 ? await Employee.find({ userId: { $in: userIds } }, { userId: 1, name: 1 }).lean() : [];
  return { lines, total, employees: new Map(employees.map((employee) => [employee.userId, employee.name ?? ""])) };
}
