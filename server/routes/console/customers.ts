import type Router from "@koa/router";
import { createRouter } from "../router.ts";
import { actorOf } from "../../middlewares/authenticate.ts";
import { assertCustomer } from "../../security/authorization.ts";
import { NotFoundError } from "../../errors.ts";
import { inputOf, validate } from "../../middlewares/validate.ts";
import { TagApplication } from "../../models/TagApplication.ts";
import { customerDetail } from "./customerDetail.ts";
import { listCustomers } from "./customerList.ts";
import { CustomerListSchema } from "./customersSchema.ts";
import { CustomerInfoSchema } from "./schema.ts";

/**
 * Console customer routes.
 *
 * @returns the router (mounted under /api/console).
 */
export function customersRouter(): Router {
  const router = createRouter();
  router.get("/customers", validate(CustomerListSchema), async (ctx) => {
    const { query } = inputOf(ctx, CustomerListSchema);
    const { rows, total } = await listCustomers(actorOf(ctx), query);
    ctx.body = { data: rows, pagination: { page: query.page, pageSize: query.pageSize, total } };
  });
  router.get("/customers/:externalUserId", validate(CustomerInfoSchema), async (ctx) => {
    const { params } = inputOf(ctx, CustomerInfoSchema);
    await assertCustomer(actorOf(ctx), params.externalUserId);
    const detail = await customerDetail(params.externalUserId);
    if (!detail) {
      throw NotFoundError("customer");
    }
    ctx.body = { data: detail };
  });
  // Why each auto-tag was applied says which guides follow the customer and what they did, so it
  // is scoped like the customer itself. The customers router is mounted before the tag routes, so
  // this answers; the unchecked copy still in tagRules.ts is unreachable and is to be removed.
  router.get("/customers/:externalUserId/tag-reasons", validate(CustomerInfoSchema), async (ctx) => {
    const { params } = inputOf(ctx, CustomerInfoSchema);
    await assertCustomer(actorOf(ctx), params.externalUserId);
    const applications = await TagApplication.find({ externalUserId: params.externalUserId }).sort({ at: 1 }).lean();
    ctx.body = {
      data: applications.map((application) => ({
        userId: application.userId,
        tagId: application.tagId,
        ruleId: String(application.ruleId),
        reason: application.reason,
        at: application.at.toISOString(),
      })),
    };
  });
  return router;
}
