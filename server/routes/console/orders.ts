import Router from "@koa/router";
import { currentProgram } from "../../commands/programStore.ts";
import orderRecorder, { type OrderInput, type OrderOutcome } from "../../commands/orderRecorder.ts";
import { validate } from "../../middlewares/validate.ts";
import { orderCreateSchema, type OrderBody, type OrderCreateReq } from "./schema.ts";

/**
 * @param body a validated order.
 * @returns the command's input.
 */
export function toOrderInput(body: OrderBody): OrderInput {
  const { buyerId, name, ...claims } = body.member;
  return {
    ...body,
    member: { ...claims, name, ...(buyerId ? { buyer: { channel: body.channel, buyerId } } : {}) },
  };
}

/**
 * `POST /api/console/orders`: one order, or `{ orders: [...] }` (≤ 1000). Idempotent by channel +
 * order number. The whole request is validated before anything is written.
 *
 * @param options the clock.
 * @returns the router.
 */
export function ordersRouter(options: { now: () => Date }): Router {
  const router = new Router();
  router.post("/orders", validate(orderCreateSchema), async (ctx) => {
    const { body } = ctx.state.input as OrderCreateReq;
    const { program } = await currentProgram();
    const single = !("orders" in body);
    const orders = "orders" in body ? body.orders : [body];
    const results: OrderOutcome[] = [];
    for (const order of orders) {
      results.push(await orderRecorder(toOrderInput(order), program, options.now()));
    }
    if (single) {
      ctx.status = results[0]?.result === "rejected" ? 422 : results[0]?.result === "created" ? 201 : 200;
      ctx.body = { data: results[0] };
      return;
    }
    const summary = { created: 0, duplicate: 0, refunded: 0, rejected: 0 };
    for (const result of results) {
      summary[result.result] += 1;
    }
    ctx.body = { data: { summary, results } };
  });
  return router;
}
