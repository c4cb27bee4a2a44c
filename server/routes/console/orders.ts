import type Router from "@koa/router";
import { createRouter } from "../router.ts";
import autoTagger from "../../commands/autoTagger.ts";
import { currentProgram } from "../../commands/programStore.ts";
import orderRecorder, { type OrderInput, type OrderOutcome } from "../../commands/orderRecorder.ts";
import { inputOf, validate } from "../../middlewares/validate.ts";
import { Member } from "../../models/Member.ts";
import type { WeComClient } from "../../wecom/client.ts";
import { orderCreateSchema, type OrderBody } from "./schema.ts";

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

// A level reached by this order may carry tags (level rules apply on the change, and nightly).
async function levelTagsFor(memberId: string, options: { wecom: WeComClient; now: () => Date }): Promise<void> {
  const member = await Member.findById(memberId, { levelCode: 1, externalUserIds: 1 }).lean();
  for (const externalUserId of member?.externalUserIds ?? []) {
    await autoTagger({ wecom: options.wecom, externalUserId, fact: { kind: "level", levelCode: member?.levelCode ?? "" }, now: options.now() });
  }
}

/**
 * `POST /api/console/orders`: one order, or `{ orders: [...] }` (≤ 1000). Idempotent by channel +
 * order number. The whole request is validated before anything is written.
 *
 * @param options the WeCom client (level tag rules) and the clock.
 * @returns the router.
 */
export function ordersRouter(options: { wecom: WeComClient; now: () => Date }): Router {
  const router = createRouter();
  router.post("/orders", validate(orderCreateSchema), async (ctx) => {
    const { body } = inputOf(ctx, orderCreateSchema);
    const { program } = await currentProgram();
    const single = !("orders" in body);
    const orders = "orders" in body ? body.orders : [body];
    const results: OrderOutcome[] = [];
    for (const order of orders) {
      const outcome = await orderRecorder(toOrderInput(order), program, options.now());
      results.push(outcome);
      if (outcome.result === "created") {
        await levelTagsFor(outcome.memberId, options);
      }
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
