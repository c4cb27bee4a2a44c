import type Router from "@koa/router";
import { createRouter } from "../router.ts";
import { guidePlaces } from "../../commands/campaignCompletion.ts";
import { inTransferScope, storeTakeoverGuides } from "../../commands/customerTransferCandidates.ts";
import customerTransferGroups from "../../commands/customerTransferGroups.ts";
import { transferNames } from "../../commands/customerTransferNames.ts";
import customerTransferRetrier from "../../commands/customerTransferRetrier.ts";
import customerTransferStarter from "../../commands/customerTransferStarter.ts";
import { actorOf } from "../../middlewares/authenticate.ts";
import { inputOf, validate } from "../../middlewares/validate.ts";
import { CustomerTransfer, type CustomerTransferAttrs } from "../../models/CustomerTransfer.ts";
import { UnassignedCustomer, type UnassignedCustomerAttrs } from "../../models/UnassignedCustomer.ts";
import { presentTransfer, presentUnassigned } from "../../presenters/transfer.ts";
import type { Actor } from "../../security/authorization.ts";
import type { WeComClient } from "../../wecom/client.ts";
import { CandidatesSchema, GroupTransferSchema, TransferListSchema, TransferRetrySchema, TransferStartSchema, UnassignedListSchema } from "./transfersSchema.ts";

/** A manager's lists are cut to their stores; admins and operators see every store. */
function storeFilter(actor: Actor, storeId: string | undefined): Record<string, unknown> {
  if (actor.role !== "manager") {
    return storeId ? { storeId } : {};
  }
  const scope = storeId ? actor.scopeStoreIds.filter((id) => id === storeId) : actor.scopeStoreIds;
  return { storeId: { $in: scope } };
}

/**
 * 离职继承 / 在职转接: departed guides' customers waiting for a takeover guide, the takeover
 * guides of a store, starting transfers (per customer or round-robin), their outcomes per
 * customer, retries, and moving customer groups.
 *
 * @param options the WeCom client and the clock.
 * @returns the router (mounted under /api/console).
 */
export function transfersRouter({ wecom, now }: { wecom: WeComClient; now: () => Date }): Router {
  const router = createRouter();
  router.get("/transfers/unassigned", validate(UnassignedListSchema), async (ctx) => {
    const { query } = inputOf(ctx, UnassignedListSchema);
    const filter = { ...storeFilter(actorOf(ctx), query.storeId), ...(query.handoverUserId ? { handoverUserId: query.handoverUserId } : {}) };
    const [rows, total] = await Promise.all([
      UnassignedCustomer.find(filter).sort({ dimissionTime: -1, _id: 1 }).skip((query.page - 1) * query.pageSize).limit(query.pageSize).lean<UnassignedCustomerAttrs[]>(),
      UnassignedCustomer.countDocuments(filter),
    ]);
    const names = await transferNames({ employees: rows.map((row) => row.handoverUserId), customers: rows.map((row) => row.externalUserId), groups: [], stores: rows.map((row) => row.storeId ?? null) });
    ctx.body = { data: rows.map((row) => presentUnassigned(row, names)), pagination: { page: query.page, pageSize: query.pageSize, total } };
  });
  // The departed guides with customers waiting, for the filter (a guide's name, not an id).
  router.get("/transfers/departed", async (ctx) => {
    const groups = await UnassignedCustomer.aggregate<{ _id: string; storeId: string | null; count: number }>([
      { $match: storeFilter(actorOf(ctx), undefined) },
      { $group: { _id: "$handoverUserId", storeId: { $first: "$storeId" }, count: { $sum: 1 } } },
      { $sort: { count: -1, _id: 1 } },
      { $limit: 500 },
    ]);
    const names = await transferNames({ employees: groups.map((group) => group._id), customers: [], groups: [], stores: groups.map((group) => group.storeId) });
    ctx.body = { data: groups.map((group) => ({ userId: group._id, name: names.employee(group._id), storeId: group.storeId, storeName: names.store(group.storeId), count: group.count })) };
  });
  router.get("/transfers/candidates", validate(CandidatesSchema), async (ctx) => {
    const { query } = inputOf(ctx, CandidatesSchema);
    const storeId = (await guidePlaces([query.handoverUserId])).get(query.handoverUserId)?.storeId ?? null;
    const guides = storeId && inTransferScope(actorOf(ctx), storeId) ? await storeTakeoverGuides(storeId, [query.handoverUserId]) : [];
    ctx.body = { data: guides.map((guide) => ({ userId: guide.userId, name: guide.name, storeId: guide.storeId })) };
  });
  router.post("/transfers", validate(TransferStartSchema), async (ctx) => {
    const { body } = inputOf(ctx, TransferStartSchema);
    const result = await customerTransferStarter({ wecom, actor: actorOf(ctx), kind: body.kind, items: body.items, transferSuccessMsg: body.transferSuccessMsg, now: now() });
    ctx.status = 201;
    ctx.body = { data: result };
  });
  router.post("/transfers/groups", validate(GroupTransferSchema), async (ctx) => {
    const { body } = inputOf(ctx, GroupTransferSchema);
    ctx.body = { data: await customerTransferGroups({ wecom, actor: actorOf(ctx), ...body, now: now() }) };
  });
  router.get("/transfers", validate(TransferListSchema), async (ctx) => {
    const { query } = inputOf(ctx, TransferListSchema);
    const filter = {
      ...storeFilter(actorOf(ctx), undefined),
      ...(query.state ? { state: query.state } : {}),
      ...(query.kind ? { kind: query.kind } : {}),
      ...(query.handoverUserId ? { handoverUserId: query.handoverUserId } : {}),
      ...(query.takeoverUserId ? { takeoverUserId: query.takeoverUserId } : {}),
    };
    const [rows, total] = await Promise.all([
      CustomerTransfer.find(filter).sort({ requestedAt: -1, _id: 1 }).skip((query.page - 1) * query.pageSize).limit(query.pageSize).lean<CustomerTransferAttrs[]>(),
      CustomerTransfer.countDocuments(filter),
    ]);
    const customers = rows.filter((row) => row.subject !== "group").map((row) => row.targetId);
    const groups = rows.filter((row) => row.subject === "group").map((row) => row.targetId);
    const names = await transferNames({ employees: rows.flatMap((row) => [row.handoverUserId, row.takeoverUserId, row.requestedBy ?? ""]), customers, groups, stores: rows.map((row) => row.storeId ?? null) });
    ctx.body = { data: rows.map((row) => presentTransfer(row, names)), pagination: { page: query.page, pageSize: query.pageSize, total } };
  });
  router.post("/transfers/:id/retry", validate(TransferRetrySchema), async (ctx) => {
    const { params, body } = inputOf(ctx, TransferRetrySchema);
    ctx.body = { data: await customerTransferRetrier({ wecom, actor: actorOf(ctx), id: params.id, takeoverUserId: body.takeoverUserId, now: now() }) };
  });
  return router;
}
