import type Router from "@koa/router";
import { createRouter } from "../router.ts";
import { isRetryable, retryCashPayout, wechatPayConfigured } from "../../commands/cashPayout.ts";
import { actorOf } from "../../middlewares/authenticate.ts";
import { inputOf, validate } from "../../middlewares/validate.ts";
import { CashTransfer, type CashTransferAttrs } from "../../models/CashTransfer.ts";
import { Customer } from "../../models/Customer.ts";
import { presentCashTransfer, type CashTransferRow, type CashTransferState } from "../../presenters/cashTransfer.ts";
import { CashTransferListSchema, CashTransferRetrySchema } from "./cashTransfersSchema.ts";

const FAILED = { $or: [{ local: "bill", billState: "FAIL" }, { local: "absent", failReason: { $ne: null } }] };

// The stored fields behind each state a person filters by (presenters/cashTransfer.ts viewStateOf).
const STATE_FILTERS: Record<CashTransferState, Record<string, unknown>> = {
  pending_confirm: { local: "bill", billState: "WAIT_USER_CONFIRM" },
  transferring: { local: "bill", billState: { $in: ["PROCESSING", "TRANSFERING"] } },
  paid: { local: "bill", billState: "SUCCESS" },
  failed: FAILED,
  cancelled: { local: "bill", billState: "CANCELLED" },
  processing: { $or: [{ local: "creating" }, { local: "absent", failReason: null }, { local: "bill", billState: { $in: ["ACCEPTED", "CANCELING", null] } }] },
};

const yuan = (fen: number) => (fen / 100).toFixed(2);

async function rowsOf(transfers: CashTransferAttrs[], now: Date): Promise<CashTransferRow[]> {
  const ids = [...new Set(transfers.map((transfer) => transfer.externalUserId).filter((id): id is string => Boolean(id)))];
  const customers = ids.length === 0 ? [] : await Customer.find({ externalUserId: { $in: ids } }, { externalUserId: 1, name: 1 }).lean();
  const names = new Map(customers.map((customer) => [customer.externalUserId, customer.name]));
  return transfers.map((transfer) => ({
    ...presentCashTransfer(transfer, now),
    // The console never offers the package: confirming is the winner's step on their phone.
    packageInfo: undefined,
    amountFen: transfer.amountFen,
    amountYuan: yuan(transfer.amountFen),
    drawId: transfer.drawId ?? null,
    customerName: (transfer.externalUserId && names.get(transfer.externalUserId)) || null,
    outBillNo: transfer.outBillNo,
    attempt: transfer.attempt,
    retryable: isRetryable(transfer),
    lastError: transfer.lastError ?? null,
    createdAt: transfer.createdAt.toISOString(),
    updatedAt: transfer.updatedAt.toISOString(),
  }));
}

/**
 * Cash prizes' WeChat Pay transfers (现金奖励发放): the list with states and reasons, and the
 * retry of a failed one; the status says whether WeChat Pay is set up, so the page can say so.
 *
 * @param options the clock.
 * @returns the router (mounted under /api/console).
 */
export function cashTransfersRouter({ now }: { now: () => Date }): Router {
  const router = createRouter();
  router.get("/cash-transfers", validate(CashTransferListSchema), async (ctx) => {
    const { query } = inputOf(ctx, CashTransferListSchema);
    const filter = { ...(query.drawId ? { drawId: query.drawId } : {}), ...(query.state ? STATE_FILTERS[query.state] : {}) };
    const [transfers, total] = await Promise.all([
      CashTransfer.find(filter).sort({ createdAt: -1 }).skip((query.page - 1) * query.pageSize).limit(query.pageSize).lean<CashTransferAttrs[]>(),
      CashTransfer.countDocuments(filter),
    ]);
    ctx.body = { data: await rowsOf(transfers, now()), pagination: { page: query.page, pageSize: query.pageSize, total } };
  });
  router.get("/cash-transfers/status", (ctx) => {
    ctx.body = { data: { configured: wechatPayConfigured() } };
  });
  router.post("/cash-transfers/:winId/retry", validate(CashTransferRetrySchema), async (ctx) => {
    const { params } = inputOf(ctx, CashTransferRetrySchema);
    const actor = actorOf(ctx);
    ctx.body = { data: await retryCashPayout({ winId: params.winId, actorId: actor.userId ?? actor.role, now: now() }) };
  });
  return router;
}
