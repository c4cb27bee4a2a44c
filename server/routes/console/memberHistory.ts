import type Router from "@koa/router";
import { createRouter } from "../router.ts";
import { z } from "zod";
import { inputOf, validate } from "../../middlewares/validate.ts";
import { LedgerEntry } from "../../models/LedgerEntry.ts";
import { Order } from "../../models/Order.ts";
import { presentLedgerEntry, presentLevelChange } from "../../presenters/ledger.ts";
import { presentOrder } from "../../presenters/order.ts";
import { memberByNo } from "./memberLookup.ts";
import { memberNo, page, pageSize } from "./fields.ts";

const OrdersSchema = z.object({ params: z.object({ memberNo }), query: z.object({ page, pageSize }) });
const LedgerSchema = z.object({ params: z.object({ memberNo }), query: z.object({ account: z.enum(["growth", "points"]).optional(), page, pageSize }) });

/**
 * A member's history for the console's member page: orders, and every growth and points change
 * from the ledger (with why). Scoped like the member itself.
 *
 * @returns the router (mounted under /api/console, area members).
 */
export function memberHistoryRouter(): Router {
  const router = createRouter();
  router.get("/members/:memberNo/orders", validate(OrdersSchema), async (ctx) => {
    const { params, query } = inputOf(ctx, OrdersSchema);
    const member = await memberByNo(ctx, params.memberNo);
    const filter = { memberId: member._id };
    const [orders, total] = await Promise.all([
      Order.find(filter)
        .sort({ paidAt: -1, _id: -1 })
        .skip((query.page - 1) * query.pageSize)
        .limit(query.pageSize)
        .lean(),
      Order.countDocuments(filter),
    ]);
    ctx.body = { data: orders.map(presentOrder), pagination: { page: query.page, pageSize: query.pageSize, total } };
  });

  router.get("/members/:memberNo/ledger", validate(LedgerSchema), async (ctx) => {
    const { params, query } = inputOf(ctx, LedgerSchema);
    const member = await memberByNo(ctx, params.memberNo);
    const filter = { memberId: member._id, ...(query.account ? { account: query.account } : {}) };
    const [entries, total] = await Promise.all([
      LedgerEntry.find(filter)
        .sort({ at: -1, _id: -1 })
        .skip((query.page - 1) * query.pageSize)
        .limit(query.pageSize)
        .lean(),
      LedgerEntry.countDocuments(filter),
    ]);
    ctx.body = {
      data: entries.map(presentLedgerEntry),
      // Every level change rides along with any page: there are few, and the page shows them apart.
      levelChanges: (member.levelChanges ?? []).map(presentLevelChange),
      pagination: { page: query.page, pageSize: query.pageSize, total },
    };
  });
  return router;
}
