import type Router from "@koa/router";
import { createRouter } from "../router.ts";
import { audienceCount } from "../../commands/massMessageAudience.ts";
import massMessageCanceller from "../../commands/massMessageCanceller.ts";
import { createMass, deleteMass, scheduleMass, updateMass, type StoredMass } from "../../commands/massMessageEditor.ts";
import massMessageReminder, { remindsLeft } from "../../commands/massMessageReminder.ts";
import massMessageRetrier from "../../commands/massMessageRetrier.ts";
import { escapeRegex } from "../../domain/regex.ts";
import { NotFoundError } from "../../errors.ts";
import { actorOf } from "../../middlewares/authenticate.ts";
import { inputOf, validate } from "../../middlewares/validate.ts";
import { MassMessage } from "../../models/MassMessage.ts";
import { Segment } from "../../models/Segment.ts";
import { presentDeletion } from "../../presenters/deletion.ts";
import { presentMassMessage } from "../../presenters/massMessage.ts";
import type { WeComClient } from "../../wecom/client.ts";
import { guideNames } from "./campaignsLookup.ts";
import { MassCreateSchema, MassIdSchema, MassListSchema, MassPreviewSchema, MassUpdateSchema } from "./massMessagesSchema.ts";

// The plan and the reminders' times stay on the server: the list and the detail never need them.
const PROJECTION = { plan: 0 };

async function segmentNames(campaigns: StoredMass[]): Promise<Map<string, string>> {
  const ids = [...new Set(campaigns.map((campaign) => campaign.audience.segmentId).filter((id): id is string => Boolean(id)))];
  const segments = ids.length > 0 ? await Segment.find({ _id: { $in: ids } }, { name: 1 }).lean() : [];
  return new Map(segments.map((segment) => [String(segment._id), segment.name]));
}

async function presentAll(campaigns: StoredMass[], now: Date) {
  const ownerIds = campaigns.flatMap((campaign) => campaign.audience.ownerIds);
  const [names, ownerNames] = await Promise.all([segmentNames(campaigns), ownerIds.length > 0 ? guideNames(ownerIds) : new Map<string, string>()]);
  return campaigns.map((campaign) => presentMassMessage(campaign, { segmentName: names.get(campaign.audience.segmentId ?? "") ?? null, ownerNames, remindsLeft: remindsLeft(campaign.remindedAt, now) }));
}

async function stored(id: string): Promise<StoredMass> {
  const campaign = (await MassMessage.findById(id, PROJECTION).lean()) as StoredMass | null;
  if (!campaign) {
    throw NotFoundError("mass message");
  }
  return campaign;
}

/**
 * 群发: list, compose before dispatch, send (now or at its time), cancel, WeCom reminders and a
 * retry of the guides WeCom refused. Completion per store and guide, and the app-message 催办,
 * are the campaigns routes' (kind "mass").
 *
 * @param options the WeCom client and the clock.
 * @returns the router (mounted under /api/console).
 */
export function massMessagesRouter({ wecom, now }: { wecom: WeComClient; now: () => Date }): Router {
  const router = createRouter();
  const one = async (id: string) => (await presentAll([await stored(id)], now()))[0];
  router.get("/mass-messages", validate(MassListSchema), async (ctx) => {
    const { query } = inputOf(ctx, MassListSchema);
    const filter = { ...(query.status ? { status: query.status } : {}), ...(query.q ? { name: new RegExp(escapeRegex(query.q), "i") } : {}) };
    const [campaigns, total] = await Promise.all([
      MassMessage.find(filter, PROJECTION).sort({ createdAt: -1, _id: -1 }).skip((query.page - 1) * query.pageSize).limit(query.pageSize).lean<StoredMass[]>(),
      MassMessage.countDocuments(filter),
    ]);
    ctx.body = { data: await presentAll(campaigns, now()), pagination: { page: query.page, pageSize: query.pageSize, total } };
  });
  // Before /mass-messages/:id.
  router.post("/mass-messages/preview", validate(MassPreviewSchema), async (ctx) => {
    const { body } = inputOf(ctx, MassPreviewSchema);
    if (body.audience.kind === "segment" && !(await Segment.exists({ _id: body.audience.segmentId }))) {
      throw NotFoundError("segment");
    }
    ctx.body = { data: { count: await audienceCount(body.audience, now()) } };
  });
  router.post("/mass-messages", validate(MassCreateSchema), async (ctx) => {
    const { body } = inputOf(ctx, MassCreateSchema);
    const created = await createMass({ input: body, createdBy: actorOf(ctx).userId ?? "", now: now() });
    ctx.status = 201;
    ctx.body = { data: await one(String(created._id)) };
  });
  router.get("/mass-messages/:id", validate(MassIdSchema), async (ctx) => {
    ctx.body = { data: await one(inputOf(ctx, MassIdSchema).params.id) };
  });
  router.put("/mass-messages/:id", validate(MassUpdateSchema), async (ctx) => {
    const { params, body } = inputOf(ctx, MassUpdateSchema);
    await updateMass({ id: params.id, input: body, now: now() });
    ctx.body = { data: await one(params.id) };
  });
  router.delete("/mass-messages/:id", validate(MassIdSchema), async (ctx) => {
    const { params } = inputOf(ctx, MassIdSchema);
    await deleteMass({ id: params.id });
    ctx.body = { data: presentDeletion(params.id) };
  });
  router.post("/mass-messages/:id/send", validate(MassIdSchema), async (ctx) => {
    const { params } = inputOf(ctx, MassIdSchema);
    await scheduleMass({ id: params.id, now: now() });
    ctx.body = { data: await one(params.id) };
  });
  router.post("/mass-messages/:id/cancel", validate(MassIdSchema), async (ctx) => {
    const { params } = inputOf(ctx, MassIdSchema);
    await massMessageCanceller({ wecom, massMessageId: params.id, now: now() });
    ctx.body = { data: await one(params.id) };
  });
  router.post("/mass-messages/:id/wecom-remind", validate(MassIdSchema), async (ctx) => {
    const { params } = inputOf(ctx, MassIdSchema);
    const result = await massMessageReminder({ wecom, massMessageId: params.id, now: now() });
    ctx.body = { data: { ...result, massMessage: await one(params.id) } };
  });
  router.post("/mass-messages/:id/retry", validate(MassIdSchema), async (ctx) => {
    const { params } = inputOf(ctx, MassIdSchema);
    const result = await massMessageRetrier({ massMessageId: params.id, now: now() });
    ctx.body = { data: { ...result, massMessage: await one(params.id) } };
  });
  return router;
}
