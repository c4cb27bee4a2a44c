import type Router from "@koa/router";
import { createRouter } from "../router.ts";
import momentCanceller from "../../commands/momentCanceller.ts";
import { createMoment, deleteMoment, updateMoment, type StoredMoment } from "../../commands/momentEditor.ts";
import { readMomentMix } from "../../commands/momentMix.ts";
import { retryMomentGuides } from "../../commands/momentRetrier.ts";
import { momentNames } from "../../commands/momentNames.ts";
import { escapeRegex } from "../../domain/regex.ts";
import { NotFoundError } from "../../errors.ts";
import { actorOf } from "../../middlewares/authenticate.ts";
import { inputOf, validate } from "../../middlewares/validate.ts";
import { Moment } from "../../models/Moment.ts";
import { presentDeletion } from "../../presenters/deletion.ts";
import { presentMoment, presentMomentMix } from "../../presenters/moment.ts";
import type { WeComClient } from "../../wecom/client.ts";
import { MomentCreateSchema, MomentIdSchema, MomentListSchema, MomentMixSchema, MomentRetrySchema, MomentUpdateSchema } from "./momentsSchema.ts";

const present = async (moment: StoredMoment) => presentMoment(moment, await momentNames([moment]));

async function stored(id: string): Promise<StoredMoment> {
  const moment = (await Moment.findById(id).lean()) as StoredMoment | null;
  if (!moment) {
    throw NotFoundError("moment");
  }
  return moment;
}

/**
 * Customer moments (客户朋友圈): the month's plan, the editor, cancel, and the content mix.
 * Completion per store and guide and 催办 are the campaigns routes' (kind "moment").
 *
 * @param options the WeCom client and the clock.
 * @returns the router (mounted under /api/console).
 */
export function momentsRouter({ wecom, now }: { wecom: WeComClient; now: () => Date }): Router {
  const router = createRouter();
  // Before /moments/:id, which would take "mix" as an id.
  router.get("/moments/mix", validate(MomentMixSchema), async (ctx) => {
    const { query } = inputOf(ctx, MomentMixSchema);
    ctx.body = { data: presentMomentMix(await readMomentMix(query.month)) };
  });
  router.get("/moments", validate(MomentListSchema), async (ctx) => {
    const { query } = inputOf(ctx, MomentListSchema);
    const filter: Record<string, unknown> = {
      ...(query.month ? { month: query.month } : {}),
      ...(query.status ? { status: query.status } : {}),
      ...(query.kind ? { kind: query.kind } : {}),
      ...(query.q ? { text: new RegExp(escapeRegex(query.q), "i") } : {}),
    };
    // A month reads in calendar order; the whole list newest first.
    const order = query.month ? 1 : -1;
    const [moments, total] = await Promise.all([
      Moment.find(filter).sort({ scheduledAt: order, _id: order }).skip((query.page - 1) * query.pageSize).limit(query.pageSize).lean() as Promise<StoredMoment[]>,
      Moment.countDocuments(filter),
    ]);
    const names = await momentNames(moments);
    ctx.body = { data: moments.map((moment) => presentMoment(moment, names)), pagination: { page: query.page, pageSize: query.pageSize, total } };
  });
  router.post("/moments", validate(MomentCreateSchema), async (ctx) => {
    const { body } = inputOf(ctx, MomentCreateSchema);
    const moment = await createMoment({ input: body, createdBy: actorOf(ctx).userId ?? "", now: now() });
    ctx.status = 201;
    ctx.body = { data: await present(moment) };
  });
  router.get("/moments/:id", validate(MomentIdSchema), async (ctx) => {
    const { params } = inputOf(ctx, MomentIdSchema);
    ctx.body = { data: await present(await stored(params.id)) };
  });
  router.put("/moments/:id", validate(MomentUpdateSchema), async (ctx) => {
    const { params, body } = inputOf(ctx, MomentUpdateSchema);
    ctx.body = { data: await present(await updateMoment({ id: params.id, input: body, now: now() })) };
  });
  router.delete("/moments/:id", validate(MomentIdSchema), async (ctx) => {
    const { params } = inputOf(ctx, MomentIdSchema);
    await deleteMoment({ id: params.id });
    ctx.body = { data: presentDeletion(params.id) };
  });
  router.post("/moments/:id/cancel", validate(MomentIdSchema), async (ctx) => {
    const { params } = inputOf(ctx, MomentIdSchema);
    ctx.body = { data: await present(await momentCanceller({ wecom, id: params.id, now: now() })) };
  });
  router.post("/moments/:id/retry", validate(MomentRetrySchema), async (ctx) => {
    const { params, body } = inputOf(ctx, MomentRetrySchema);
    ctx.body = { data: await present(await retryMomentGuides({ id: params.id, userIds: body.userIds, now: now() })) };
  });
  return router;
}
