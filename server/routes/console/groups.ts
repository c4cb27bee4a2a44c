import type Router from "@koa/router";
import { createRouter } from "../router.ts";
import { actorOf } from "../../middlewares/authenticate.ts";
import { assertGroup, groupScopeFilter } from "../../security/authorization.ts";
import { NotFoundError, ValidationError } from "../../errors.ts";
import { inputOf, validate } from "../../middlewares/validate.ts";
import { chinaDate } from "../../domain/chinaTime.ts";
import { escapeRegex } from "../../domain/regex.ts";
import { Customer } from "../../models/Customer.ts";
import { Employee } from "../../models/Employee.ts";
import { Group } from "../../models/Group.ts";
import { GroupDailyCount } from "../../models/GroupDailyCount.ts";
import { presentGroup, presentListedGroup, type PresentedGroupDay } from "../../presenters/group.ts";
import { GroupDailySchema, GroupListSchema } from "./customersSchema.ts";
import { assertGuideExists, chinaDayBound, guidesOfStore } from "./customerList.ts";
import { GroupInfoSchema } from "./schema.ts";

const DAY_MS = 86_400_000;
const MAX_DAYS = 366;

/** The China days from one to another, inclusive. */
function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  for (let at = chinaDayBound(from).getTime(); at < chinaDayBound(to, true).getTime(); at += DAY_MS) {
    days.push(chinaDate(new Date(at)));
  }
  return days;
}

/** Joins and leaves per day of some groups, read by the counters' keys. */
async function dailyCounts(chatIds: string[], days: string[]): Promise<Map<string, { joins: number; leaves: number }>> {
  const keys = chatIds.flatMap((chatId) => days.map((day) => `${chatId}:${day}`));
  const counts = keys.length > 0 ? await GroupDailyCount.find({ _id: { $in: keys } }, { joins: 1, leaves: 1 }).lean() : [];
  return new Map(counts.map((count) => [count._id, { joins: count.joins, leaves: count.leaves }]));
}

/**
 * Console customer-group routes.
 *
 * @param options the clock.
 * @returns the router (mounted under /api/console).
 */
export function groupsRouter(options: { now: () => Date } = { now: () => new Date() }): Router {
  const router = createRouter();
  router.get("/groups", validate(GroupListSchema), async (ctx) => {
    const { query } = inputOf(ctx, GroupListSchema);
    const conditions: Record<string, unknown>[] = [await groupScopeFilter(actorOf(ctx))];
    if (query.owner) {
      await assertGuideExists(query.owner, "owner");
      conditions.push({ ownerId: query.owner });
    }
    if (query.storeId) {
      conditions.push({ ownerId: { $in: await guidesOfStore(query.storeId) } });
    }
    if (query.status) {
      conditions.push({ status: query.status });
    }
    if (query.q) {
      conditions.push({ name: { $regex: escapeRegex(query.q), $options: "i" } });
    }
    const filter = { $and: conditions };
    const [groups, total] = await Promise.all([
      Group.find(filter).sort({ createdAtWeCom: -1, _id: -1 }).skip((query.page - 1) * query.pageSize).limit(query.pageSize).lean(),
      Group.countDocuments(filter),
    ]);
    const today = chinaDate(options.now());
    const week = daysBetween(chinaDate(new Date(chinaDayBound(today).getTime() - 6 * DAY_MS)), today);
    const [owners, counts] = await Promise.all([
      Employee.find({ userId: { $in: [...new Set(groups.map((group) => group.ownerId))] } }, { userId: 1, name: 1 }).lean(),
      dailyCounts(groups.map((group) => group.chatId), week),
    ]);
    const ownerNames = new Map(owners.map((owner) => [owner.userId, owner.name]));
    const growth = (chatId: string) => week.reduce((sum, day) => sum + (counts.get(`${chatId}:${day}`)?.joins ?? 0) - (counts.get(`${chatId}:${day}`)?.leaves ?? 0), 0);
    ctx.body = {
      data: groups.map((group) => presentListedGroup(group, ownerNames.get(group.ownerId) ?? "", growth(group.chatId))),
      pagination: { page: query.page, pageSize: query.pageSize, total },
    };
  });
  router.get("/groups/:chatId", validate(GroupInfoSchema), async (ctx) => {
    const { params } = inputOf(ctx, GroupInfoSchema);
    await assertGroup(actorOf(ctx), params.chatId);
    const group = await Group.findOne({ chatId: params.chatId }).lean();
    if (!group) {
      throw NotFoundError("group");
    }
    const employeeIds = [group.ownerId, ...group.members.filter((member) => member.type === "employee").map((member) => member.id)];
    const [employees, customers] = await Promise.all([
      Employee.find({ userId: { $in: [...new Set(employeeIds)] } }, { userId: 1, name: 1 }).lean(),
      // By the unique key, one read per customer: a group holds at most a few hundred.
      Promise.all(group.members.filter((member) => member.type === "customer").map((member) => Customer.findOne({ externalUserId: member.id }, { externalUserId: 1, name: 1 }).lean())),
    ]);
    const names = new Map<string, string>([
      ...employees.map((employee): [string, string] => [employee.userId, employee.name]),
      ...customers.flatMap((customer): [string, string][] => (customer ? [[customer.externalUserId, customer.name]] : [])),
    ]);
    ctx.body = { data: presentGroup(group, names) };
  });
  router.get("/groups/:chatId/daily", validate(GroupDailySchema), async (ctx) => {
    const { params, query } = inputOf(ctx, GroupDailySchema);
    await assertGroup(actorOf(ctx), params.chatId);
    const to = query.to ?? chinaDate(options.now());
    const from = query.from ?? chinaDate(new Date(chinaDayBound(to).getTime() - 29 * DAY_MS));
    if (from > to) {
      throw ValidationError("to: 结束日期不能早于开始日期");
    }
    const days = daysBetween(from, to);
    if (days.length > MAX_DAYS) {
      throw ValidationError(`from: 日期范围不能超过 ${MAX_DAYS} 天`);
    }
    const counts = await dailyCounts([params.chatId], days);
    const data: PresentedGroupDay[] = days.map((day) => ({ day, joins: counts.get(`${params.chatId}:${day}`)?.joins ?? 0, leaves: counts.get(`${params.chatId}:${day}`)?.leaves ?? 0 }));
    ctx.body = { data };
  });
  return router;
}
