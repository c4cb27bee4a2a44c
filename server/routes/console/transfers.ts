import type Router from "@koa/router";
import { createRouter } from "../router.ts";
import { handoverStore, inTransferScope, storeTakeoverGuides } from "../../commands/customerTransferCandidates.ts";
import customerTransferGroups from "../../commands/customerTransferGroups.ts";
import { transferNames } from "../../commands/customerTransferNames.ts";
import customerTransferRetrier from "../../commands/customerTransferRetrier.ts";
import customerTransferStarter from "../../commands/customerTransferStarter.ts";
import { refreshTransfers } from "../../commands/customerTransferSync.ts";
import unassignedSync from "../../commands/unassignedSync.ts";
import { escapeRegex } from "../../domain/regex.ts";
import { AuthorizationError } from "../../errors.ts";
import { actorOf } from "../../middlewares/authenticate.ts";
import { inputOf, validate } from "../../middlewares/validate.ts";
import { CustomerTransfer, type CustomerTransferAttrs } from "../../models/CustomerTransfer.ts";
import { DepartedGuide, type DepartedGuideAttrs } from "../../models/DepartedGuide.ts";
import { Group } from "../../models/Group.ts";
import { UnassignedCustomer, type UnassignedCustomerAttrs } from "../../models/UnassignedCustomer.ts";
import { namedGroups, presentDepartedGuide, presentTransfer, presentUnassigned } from "../../presenters/transfer.ts";
import type { Actor } from "../../security/authorization.ts";
import type { WeComClient } from "../../wecom/client.ts";
import { CandidatesSchema, DepartedListSchema, GroupTransferSchema, TransferListSchema, TransferRetrySchema, TransferStartSchema, UnassignedListSchema } from "./transfersSchema.ts";

/** A manager's lists are cut to their stores (another store asked for by name is refused); admins and operators see every store. */
function storeFilter(actor: Actor, storeId: string | undefined): Record<string, unknown> {
  if (storeId && !inTransferScope(actor, storeId)) {
    throw AuthorizationError("storeId: 该门店不在您的管辖范围");
  }
  if (actor.role !== "manager") {
    return storeId ? { storeId } : {};
  }
  return { storeId: storeId ?? { $in: actor.scopeStoreIds } };
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
    const filter = {
      ...storeFilter(actorOf(ctx), query.storeId),
      ...(query.handoverUserId ? { handoverUserId: query.handoverUserId } : {}),
      ...(query.q ? { customerName: { $regex: escapeRegex(query.q), $options: "i" } } : {}),
    };
    const [rows, total] = await Promise.all([
      UnassignedCustomer.find(filter).sort({ dimissionTime: -1, _id: 1 }).skip((query.page - 1) * query.pageSize).limit(query.pageSize).lean<UnassignedCustomerAttrs[]>(),
      UnassignedCustomer.countDocuments(filter),
    ]);
    const names = await transferNames({ employees: rows.map((row) => row.handoverUserId), customers: rows.map((row) => row.externalUserId), groups: [], stores: rows.map((row) => row.storeId ?? null) });
    ctx.body = { data: rows.map((row) => presentUnassigned(row, names)), pagination: { page: query.page, pageSize: query.pageSize, total } };
  });
  // The departed guides with customers or groups waiting, with their counts (kept on write).
  router.get("/transfers/departed", validate(DepartedListSchema), async (ctx) => {
    const { query } = inputOf(ctx, DepartedListSchema);
    const filter = storeFilter(actorOf(ctx), query.storeId);
    const [rows, total] = await Promise.all([
      DepartedGuide.find(filter).sort({ dimissionTime: -1, _id: 1 }).skip((query.page - 1) * query.pageSize).limit(query.pageSize).lean<DepartedGuideAttrs[]>(),
      DepartedGuide.countDocuments(filter),
    ]);
    const names = await transferNames({ employees: rows.map((row) => row._id), customers: [], groups: rows.flatMap((row) => namedGroups(row)), stores: rows.map((row) => row.storeId ?? null) });
    ctx.body = { data: rows.map((row) => presentDepartedGuide(row, names)), pagination: { page: query.page, pageSize: query.pageSize, total } };
  });
  // The takeover picker: the handover guide's store's guides who are active and have customer contact.
  router.get("/transfers/candidates", validate(CandidatesSchema), async (ctx) => {
    const { query } = inputOf(ctx, CandidatesSchema);
    const storeId = await handoverStore(query.handoverUserId);
    if (!inTransferScope(actorOf(ctx), storeId)) {
      throw AuthorizationError("handoverUserId: 该导购不属于您管理的门店");
    }
    const guides = storeId ? await storeTakeoverGuides(wecom, storeId, [query.handoverUserId]) : [];
    const names = await transferNames({ employees: [], customers: [], groups: [], stores: [storeId] });
    ctx.body = { data: guides.map((guide) => ({ userId: guide.userId, name: guide.name, storeId: guide.storeId, storeName: names.store(guide.storeId) })) };
  });
  // The groups a guide still owns, for 转接客户群 (a departed guide may be out of the groups list's scope).
  router.get("/transfers/groups", validate(CandidatesSchema), async (ctx) => {
    const { query } = inputOf(ctx, CandidatesSchema);
    if (!inTransferScope(actorOf(ctx), await handoverStore(query.handoverUserId))) {
      throw AuthorizationError("handoverUserId: 该导购不属于您管理的门店");
    }
    const groups = await Group.find({ ownerId: query.handoverUserId, status: "active" }, { chatId: 1, name: 1, members: 1 }).sort({ name: 1, chatId: 1 }).limit(500).lean();
    ctx.body = { data: groups.map((group) => ({ chatId: group.chatId, name: group.name || "未命名客户群", customerCount: group.members.filter((member) => member.type === "customer" && member.status === "in").length })) };
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
      ...storeFilter(actorOf(ctx), query.storeId),
      ...(query.state ? { state: query.state } : {}),
      ...(query.subject ? { subject: query.subject } : {}),
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
  // WeCom's list now rather than at 02:30 (a guide left this morning).
  router.post("/transfers/unassigned/sync", async (ctx) => {
    ctx.body = { data: await unassignedSync({ wecom, now: now() }) };
  });
  router.post("/transfers/refresh", async (ctx) => {
    ctx.body = { data: await refreshTransfers({ wecom, storeFilter: storeFilter(actorOf(ctx), undefined), now: now() }) };
  });
  router.post("/transfers/:id/retry", validate(TransferRetrySchema), async (ctx) => {
    const { params, body } = inputOf(ctx, TransferRetrySchema);
    ctx.body = { data: await customerTransferRetrier({ wecom, actor: actorOf(ctx), id: params.id, takeoverUserId: body.takeoverUserId, now: now() }) };
  });
  return router;
}
