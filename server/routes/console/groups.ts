import type Router from "@koa/router";
import { createRouter } from "../router.ts";
import { actorOf } from "../../middlewares/authenticate.ts";
import { assertGroup } from "../../security/authorization.ts";
import { NotFoundError } from "../../errors.ts";
import { inputOf, validate } from "../../middlewares/validate.ts";
import { Group } from "../../models/Group.ts";
import { presentGroup } from "../../presenters/group.ts";
import { GroupInfoSchema } from "./schema.ts";

/**
 * Console customer-group routes.
 *
 * @returns the router (mounted under /api/console).
 */
export function groupsRouter(): Router {
  const router = createRouter();
  router.get("/groups/:chatId", validate(GroupInfoSchema), async (ctx) => {
    const { params } = inputOf(ctx, GroupInfoSchema);
    await assertGroup(actorOf(ctx), params.chatId);
    const group = await Group.findOne({ chatId: params.chatId }).lean();
    if (!group) {
      throw NotFoundError("group");
    }
    ctx.body = { data: presentGroup(group) };
  });
  return router;
}
