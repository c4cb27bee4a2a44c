import type Router from "@koa/router";
import { createRouter } from "../router.ts";
import roleAssigner from "../../commands/roleAssigner.ts";
import { actorOf } from "../../middlewares/authenticate.ts";
import { inputOf, validate } from "../../middlewares/validate.ts";
import { presentEmployees } from "./employeeLookup.ts";
import { EmployeeRoleSchema } from "./orgSchema.ts";

/**
 * Console roles (admin only by the area rules): who is admin, operator, manager (and of which
 * stores) or guide. Every change is recorded in role_changes.
 *
 * @param options the clock.
 * @returns the router (mounted under /api/console).
 */
export function rolesRouter(options: { now: () => Date }): Router {
  const router = createRouter();

  router.put("/employees/:userId/role", validate(EmployeeRoleSchema), async (ctx) => {
    const { params, body } = inputOf(ctx, EmployeeRoleSchema);
    const employee = await roleAssigner({
      userId: params.userId,
      role: body.role,
      scopeStoreIds: body.scopeStoreIds,
      changedBy: actorOf(ctx).userId ?? "api_token",
      now: options.now(),
    });
    const [presented] = await presentEmployees([employee]);
    ctx.body = { data: presented };
  });

  return router;
}
