import { PassThrough } from "node:stream";
import type Router from "@koa/router";
import type { Logger } from "pino";
import { createRouter } from "../router.ts";
import { campaignCompletion } from "../../commands/campaignCompletion.ts";
import campaignGuidesExporter from "../../commands/campaignGuidesExporter.ts";
import { remindCampaignGuides } from "../../commands/campaignReminder.ts";
import { chinaDate } from "../../domain/chinaTime.ts";
import { escapeRegex } from "../../domain/regex.ts";
import { AppError, AuthorizationError } from "../../errors.ts";
import { actorOf } from "../../middlewares/authenticate.ts";
import { inputOf, validate } from "../../middlewares/validate.ts";
import { CampaignGuide, type CampaignGuideAttrs, type CampaignKind } from "../../models/CampaignGuide.ts";
import { Employee } from "../../models/Employee.ts";
import {
  presentCampaignGuide,
  presentFigures,
  presentGuideCampaign,
  type PresentedCampaignCompletion,
  type PresentedGuideCampaigns,
  type PresentedReminders,
} from "../../presenters/campaignCompletion.ts";
import { CAMPAIGN_KIND_LABELS } from "../../presenters/labels.ts";
import { assertCan, can, employeeScopeFilter, type Actor, type Area } from "../../security/authorization.ts";
import type { WeComClient } from "../../wecom/client.ts";
import { siteOrigin } from "../siteOrigin.ts";
import { campaignNames, departmentNames, guideNames } from "./campaignsLookup.ts";
import { CampaignGuideExportSchema, CampaignGuideListSchema, CampaignIdSchema, CampaignRemindSchema, GuideCampaignsSchema } from "./campaignsSchema.ts";

/** The console area that holds each kind's campaigns. */
export const CAMPAIGN_AREAS: Record<CampaignKind, Area> = { moment: "moments", mass: "mass_messages" };

/** A manager's stores; null for those who see every store. */
const storeScope = (actor: Actor): string[] | null => (actor.role === "admin" || actor.role === "operator" ? null : actor.scopeStoreIds);

const notFound = () => new AppError(404, "not_found", "该活动不存在");

async function campaignNameOf(kind: CampaignKind, id: string): Promise<string> {
  const name = (await campaignNames(kind, [id])).get(id);
  if (name === undefined) {
    throw notFound();
  }
  return name;
}

/**
 * The guides of a campaign a list, an export or a 催办 reads, cut to the actor's stores.
 *
 * @throws 403 when a manager names a store that is not theirs.
 */
async function guideFilter(actor: Actor, kind: CampaignKind, campaignId: string, query: { state?: string | undefined; storeId?: string | undefined; q?: string | undefined }): Promise<Record<string, unknown>> {
  const stores = storeScope(actor);
  if (query.storeId && stores && !stores.includes(query.storeId)) {
    throw AuthorizationError("该门店不在您的管辖范围");
  }
  const filter: Record<string, unknown> = { kind, campaignId };
  if (query.storeId) {
    filter.storeId = query.storeId;
  } else if (stores) {
    filter.storeId = { $in: stores };
  }
  if (query.state) {
    filter.state = query.state;
  }
  if (query.q) {
    const words = new RegExp(escapeRegex(query.q), "i");
    // The directory is small; a name search becomes the userids it matches.
    const matches = await Employee.find({ $or: [{ name: words }, { userId: words }] }, { userId: 1 }).limit(5000).lean();
    filter.userId = { $in: matches.map((employee) => employee.userId) };
  }
  return filter;
}

/**
 * One kind's completion views (完成情况): figures per store and region, the guides, their export.
 * Mounted twice (moment, mass), each under its kind's area.
 *
 * @param options the kind.
 * @returns the router (mounted under /api/console).
 */
export function campaignsRouter({ kind }: { kind: CampaignKind }): Router {
  const router = createRouter();
  const base = `/campaigns/${kind}/:id`;
  router.get(`${base}/completion`, validate(CampaignIdSchema), async (ctx) => {
    const { params } = inputOf(ctx, CampaignIdSchema);
    const name = await campaignNameOf(kind, params.id);
    const completion = await campaignCompletion(kind, params.id, storeScope(actorOf(ctx)));
    const names = await departmentNames([...completion.stores.flatMap((store) => [store.storeId, store.regionId]), ...completion.regions.map((region) => region.regionId)]);
    const body: PresentedCampaignCompletion = {
      kind,
      campaignId: params.id,
      name,
      all: presentFigures(completion.all),
      stores: completion.stores
        .map((store) => ({ ...presentFigures(store), storeId: store.storeId, storeName: names.get(store.storeId) ?? "未知门店", regionId: store.regionId, regionName: store.regionId ? (names.get(store.regionId) ?? "未知区域") : null }))
        .sort((a, b) => b.rate - a.rate || a.storeName.localeCompare(b.storeName, "zh")),
      regions: completion.regions.map((region) => ({ ...presentFigures(region), regionId: region.regionId, regionName: names.get(region.regionId) ?? "未知区域" })).sort((a, b) => b.rate - a.rate),
    };
    ctx.body = { data: body };
  });
  router.get(`${base}/guides`, validate(CampaignGuideListSchema), async (ctx) => {
    const { params, query } = inputOf(ctx, CampaignGuideListSchema);
    await campaignNameOf(kind, params.id);
    const filter = await guideFilter(actorOf(ctx), kind, params.id, query);
    const [guides, total] = await Promise.all([
      CampaignGuide.find(filter).sort({ state: 1, storeId: 1, userId: 1 }).skip((query.page - 1) * query.pageSize).limit(query.pageSize).lean<CampaignGuideAttrs[]>(),
      CampaignGuide.countDocuments(filter),
    ]);
    const [guidesByName, stores] = await Promise.all([guideNames(guides.map((guide) => guide.userId)), departmentNames(guides.map((guide) => guide.storeId))]);
    ctx.body = { data: guides.map((guide) => presentCampaignGuide(guide, { guides: guidesByName, stores })), pagination: { page: query.page, pageSize: query.pageSize, total } };
  });
  router.get(`${base}/guides.xlsx`, validate(CampaignGuideExportSchema), async (ctx) => {
    const { params, query } = inputOf(ctx, CampaignGuideExportSchema);
    // Everything that can fail with a proper status fails before the first byte is sent.
    const name = await campaignNameOf(kind, params.id);
    const filter = await guideFilter(actorOf(ctx), kind, params.id, query);
    const output = new PassThrough();
    ctx.attachment(`${CAMPAIGN_KIND_LABELS[kind]}完成情况-${name}-${chinaDate(new Date())}.xlsx`);
    ctx.body = output;
    const log = ctx.state.log as Logger | undefined;
    campaignGuidesExporter({ kind, filter, output }).catch((error: unknown) => {
      log?.error({ err: error }, "campaign guides export failed");
      output.destroy(error instanceof Error ? error : new Error(String(error)));
    });
  });
  return router;
}

/**
 * 催办 for one kind, under the campaign_reminders area (managers remind their own stores' guides).
 *
 * @param options the kind, the WeCom client, the app's agentid, the site's origin and the clock.
 * @returns the router (mounted under /api/console).
 */
export function campaignRemindersRouter({ kind, wecom, agentId, publicUrl, now }: { kind: CampaignKind; wecom: WeComClient; agentId?: string | undefined; publicUrl?: string | undefined; now: () => Date }): Router {
  const router = createRouter();
  router.post(`/campaigns/${kind}/:id/remind`, validate(CampaignRemindSchema), async (ctx) => {
    const { params, body } = inputOf(ctx, CampaignRemindSchema);
    const actor = actorOf(ctx);
    assertCan(actor, "read", CAMPAIGN_AREAS[kind]);
    const name = await campaignNameOf(kind, params.id);
    const filter = await guideFilter(actor, kind, params.id, { state: "assigned" });
    let userIds: string[];
    if (body.userIds) {
      const inScope = new Set(await CampaignGuide.distinct("userId", { ...filter, state: { $exists: true }, userId: { $in: body.userIds } }));
      if (body.userIds.some((userId) => !inScope.has(userId))) {
        throw AuthorizationError("有导购不在该活动或不在您的管辖范围");
      }
      userIds = body.userIds;
    } else {
      userIds = (await CampaignGuide.find(filter, { userId: 1 }).lean()).map((guide) => guide.userId);
    }
    const outcome = await remindCampaignGuides({ wecom, agentId, kind, campaignId: params.id, campaignName: name, userIds, url: `${siteOrigin(ctx, publicUrl)}/sidebar/`, now: now() });
    const names = await guideNames(outcome.skipped.map((skip) => skip.userId));
    const result: PresentedReminders = {
      reminded: outcome.reminded.length,
      skipped: outcome.skipped.map((skip) => ({ ...skip, name: names.get(skip.userId) ?? skip.userId })),
      message: `已提醒 ${outcome.reminded.length} 位导购${outcome.skipped.length > 0 ? `，${outcome.skipped.length} 位未提醒` : ""}`,
    };
    ctx.body = { data: result };
  });
  return router;
}

/**
 * One guide's campaigns (moments and mass messages) with their state, newest first.
 *
 * @returns the router (mounted under /api/console, area moments).
 */
export function guideCampaignsRouter(): Router {
  const router = createRouter();
  router.get("/campaigns/guides/:userId", validate(GuideCampaignsSchema), async (ctx) => {
    const { params, query } = inputOf(ctx, GuideCampaignsSchema);
    const actor = actorOf(ctx);
    const employee = await Employee.findOne({ userId: params.userId, ...employeeScopeFilter(actor) }, { userId: 1, name: 1, mainDepartmentId: 1, departmentIds: 1 }).lean();
    if (!employee) {
      throw storeScope(actor) ? AuthorizationError("该导购不在您的管辖范围") : new AppError(404, "not_found", "该导购不存在");
    }
    const kinds = (Object.keys(CAMPAIGN_AREAS) as CampaignKind[]).filter((kind) => can(actor, "read", CAMPAIGN_AREAS[kind]));
    const filter = { userId: params.userId, kind: { $in: kinds } };
    const [guides, total] = await Promise.all([
      CampaignGuide.find(filter).sort({ assignedAt: -1 }).skip((query.page - 1) * query.pageSize).limit(query.pageSize).lean<CampaignGuideAttrs[]>(),
      CampaignGuide.countDocuments(filter),
    ]);
    const names = new Map<CampaignKind, Map<string, string>>();
    for (const kind of kinds) {
      names.set(kind, await campaignNames(kind, guides.filter((guide) => guide.kind === kind).map((guide) => guide.campaignId)));
    }
    const store = employee.mainDepartmentId ?? employee.departmentIds[0] ?? null;
    const stores = await departmentNames([store !== null ? String(store) : null]);
    const body: PresentedGuideCampaigns = {
      userId: employee.userId,
      name: employee.name || employee.userId,
      storeName: store !== null ? (stores.get(String(store)) ?? "") : "",
      campaigns: guides.map((guide) => presentGuideCampaign(guide, names.get(guide.kind as CampaignKind)?.get(guide.campaignId) ?? CAMPAIGN_KIND_LABELS[guide.kind as CampaignKind])),
    };
    ctx.body = { data: body, pagination: { page: query.page, pageSize: query.pageSize, total } };
  });
  return router;
}
