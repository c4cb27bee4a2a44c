import type Router from "@koa/router";
import { createRouter } from "../router.ts";
import directorySyncer from "../../commands/directorySyncer.ts";
import { actorOf } from "../../middlewares/authenticate.ts";
import { inputOf, validate } from "../../middlewares/validate.ts";
import { Department } from "../../models/Department.ts";
import { Employee } from "../../models/Employee.ts";
import { Group } from "../../models/Group.ts";
import { presentDirectorySync, presentStore } from "../../presenters/store.ts";
import { employeeScopeFilter } from "../../security/authorization.ts";
import type { WeComClient } from "../../wecom/client.ts";
import { presentEmployees } from "./employeeLookup.ts";
import { EmployeeListSchema } from "./orgSchema.ts";
import { escapeRegex } from "../../domain/regex.ts";


/**
 * The organisation (组织): employees and stores (WeCom departments) as the directory has them,
 * and the directory sync. Managers see their own stores and the people in them.
 *
 * @param options the WeCom client and the clock.
 * @returns the router (mounted under /api/console).
 */
export function orgRouter(options: { wecom: WeComClient; now: () => Date }): Router {
  const router = createRouter();

  router.get("/employees", validate(EmployeeListSchema), async (ctx) => {
    const { query } = inputOf(ctx, EmployeeListSchema);
    const conditions: Record<string, unknown>[] = [{ deleted: false }, employeeScopeFilter(actorOf(ctx))];
    if (query.q) {
      const words = { $regex: escapeRegex(query.q), $options: "i" };
      conditions.push({ $or: [{ name: words }, { userId: words }] });
    }
    if (query.storeId) {
      conditions.push({ departmentIds: Number(query.storeId) });
    }
    if (query.role) {
      conditions.push({ role: query.role });
    }
    if (query.groupOwners === "true") {
      conditions.push({ userId: { $in: await Group.distinct("ownerId", { status: "active" }) } });
    }
    const filter = { $and: conditions };
    const [employees, total] = await Promise.all([
      Employee.find(filter)
        .sort({ userId: 1 })
        .skip((query.page - 1) * query.pageSize)
        .limit(query.pageSize)
        .lean(),
      Employee.countDocuments(filter),
    ]);
    ctx.body = { data: await presentEmployees(employees), pagination: { page: query.page, pageSize: query.pageSize, total } };
  });

  router.get("/stores", async (ctx) => {
    const actor = actorOf(ctx);
    const scope = actor.role === "manager" ? { departmentId: { $in: actor.scopeStoreIds.map(Number).filter(Number.isInteger) } } : {};
    // WeCom sorts siblings by `order`, larger first (wecom-reference §5.1 department fields).
    const departments = await Department.find({ deleted: false, ...scope }).sort({ order: -1, departmentId: 1 }).lean();
    const ids = departments.map((department) => department.departmentId);
    const counts = await Employee.aggregate<{ _id: number; count: number }>([
      { $match: { deleted: false, departmentIds: { $in: ids } } },
      { $unwind: "$departmentIds" },
      { $group: { _id: "$departmentIds", count: { $sum: 1 } } },
    ]);
    const byId = new Map(counts.map((row) => [row._id, row.count]));
    ctx.body = { data: departments.map((department) => presentStore(department, byId.get(department.departmentId) ?? 0)) };
  });

  router.post("/directory/sync", async (ctx) => {
    ctx.body = { data: presentDirectorySync(await directorySyncer({ wecom: options.wecom, now: options.now() })) };
  });

  return router;
}
