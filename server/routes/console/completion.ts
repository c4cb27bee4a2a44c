import type Router from "@koa/router";
import { createRouter } from "../router.ts";
import remindTaskGuides from "../../commands/completionReminder.ts";
import { guidesOfStore, storeOfGuide } from "../../commands/completionViews.ts";
import kpiCalculator from "../../commands/kpiCalculator.ts";
import { currentProgram } from "../../commands/programStore.ts";
import taskNames from "../../commands/taskNames.ts";
import { CHINA_OFFSET_MS } from "../../domain/chinaTime.ts";
import { AuthorizationError } from "../../errors.ts";
import { actorOf } from "../../middlewares/authenticate.ts";
import { inputOf, validate } from "../../middlewares/validate.ts";
import { CampaignGuide, type CampaignGuideAttrs, type CampaignKind } from "../../models/CampaignGuide.ts";
import { Task, type TaskAttrs } from "../../models/Task.ts";
import type { PresentedCompletionReminders, PresentedUndone } from "../../presenters/completion.ts";
import { presentKpis } from "../../presenters/kpis.ts";
import { CAMPAIGN_KIND_LABELS } from "../../presenters/labels.ts";
import { presentTasks } from "../../presenters/task.ts";
import { assertCan } from "../../security/authorization.ts";
import type { WeComClient } from "../../wecom/client.ts";
import { siteOrigin } from "../siteOrigin.ts";
import { campaignNames, guideNames } from "./campaignsLookup.ts";
import { assertGuideInScope, assertStoreInScope, companyView, completionWorkbook, guideView, regionView, storeView } from "./completionReport.ts";
import {
  CompletionCompanySchema,
  CompletionExportSchema,
  CompletionGuideSchema,
  CompletionRegionSchema,
  CompletionRemindSchema,
  CompletionStoreSchema,
  CompletionUndoneSchema,
} from "./completionSchema.ts";

/** Undone campaigns shown beside a guide's tasks: the latest, a guide rarely has more open. */
const UNDONE_CAMPAIGNS = 50;

/** A China day's first instant. */
const dayStart = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) - CHINA_OFFSET_MS);

/**
 * The completion dashboards (完成率): 全公司, 区域, 门店, 导购 over a period and task kind, a
 * store's membership KPIs, a guide's undone items, the export of each view and 催办. Managers
 * see their own stores only (a cut company view, their stores and guides; other stores and
 * regions 403).
 *
 * @param options the WeCom client, the app's agentid, the site's origin and the clock.
 * @returns the router (mounted under /api/console, area completion).
 */
export function completionRouter(options: { wecom: WeComClient; agentId?: string | undefined; publicUrl?: string | undefined; now: () => Date }): Router {
  const router = createRouter();
  router.get("/completion/company", validate(CompletionCompanySchema), async (ctx) => {
    const { query } = inputOf(ctx, CompletionCompanySchema);
    ctx.body = { data: await companyView(actorOf(ctx), query) };
  });
  router.get("/completion/regions/:regionId", validate(CompletionRegionSchema), async (ctx) => {
    const { params, query } = inputOf(ctx, CompletionRegionSchema);
    ctx.body = { data: await regionView(actorOf(ctx), params.regionId, query) };
  });
  router.get("/completion/stores/:storeId", validate(CompletionStoreSchema), async (ctx) => {
    const { params, query } = inputOf(ctx, CompletionStoreSchema);
    ctx.body = { data: await storeView(actorOf(ctx), params.storeId, query) };
  });
  router.get("/completion/stores/:storeId/kpis", validate(CompletionStoreSchema), async (ctx) => {
    const { params, query } = inputOf(ctx, CompletionStoreSchema);
    assertStoreInScope(actorOf(ctx), params.storeId);
    const { program } = await currentProgram();
    const kpis = await kpiCalculator({ from: dayStart(query.from), to: new Date(dayStart(query.to).getTime() + 86_400_000), program, storeIds: [params.storeId] });
    ctx.body = { data: presentKpis(kpis) };
  });
  router.get("/completion/guides/:userId", validate(CompletionGuideSchema), async (ctx) => {
    const { params, query } = inputOf(ctx, CompletionGuideSchema);
    ctx.body = { data: await guideView(actorOf(ctx), params.userId, query) };
  });
  router.get("/completion/guides/:userId/undone", validate(CompletionUndoneSchema), async (ctx) => {
    const { params, query } = inputOf(ctx, CompletionUndoneSchema);
    await assertGuideInScope(actorOf(ctx), params.userId);
    const filter = { userId: params.userId, state: "open" as const };
    const [tasks, total, campaigns] = await Promise.all([
      Task.find(filter).sort({ dueAt: 1, _id: 1 }).skip((query.page - 1) * query.pageSize).limit(query.pageSize).lean<TaskAttrs[]>(),
      Task.countDocuments(filter),
      CampaignGuide.find({ userId: params.userId, state: { $in: ["assigned", "failed"] } }).sort({ assignedAt: -1 }).limit(UNDONE_CAMPAIGNS).lean<CampaignGuideAttrs[]>(),
    ]);
    const names = new Map<string, string>();
    for (const kind of ["moment", "mass"] as const) {
      for (const [id, name] of await campaignNames(kind, campaigns.filter((campaign) => campaign.kind === kind).map((campaign) => campaign.campaignId))) {
        names.set(`${kind}:${id}`, name);
      }
    }
    const body: PresentedUndone = {
      tasks: presentTasks(tasks, await taskNames(tasks), options.now()),
      campaigns: campaigns.map((campaign) => ({
        kind: campaign.kind as CampaignKind,
        kindLabel: CAMPAIGN_KIND_LABELS[campaign.kind as CampaignKind],
        campaignId: campaign.campaignId,
        name: names.get(`${campaign.kind}:${campaign.campaignId}`) ?? CAMPAIGN_KIND_LABELS[campaign.kind as CampaignKind],
        state: campaign.state as "assigned" | "failed",
        assignedAt: campaign.assignedAt.toISOString(),
        failReason: campaign.failReason,
      })),
    };
    ctx.body = { data: body, pagination: { page: query.page, pageSize: query.pageSize, total } };
  });
  router.get("/completion/export", validate(CompletionExportSchema), async (ctx) => {
    const { query } = inputOf(ctx, CompletionExportSchema);
    const actor = actorOf(ctx);
    const completion =
      query.level === "company" ? await companyView(actor, query) : query.level === "region" ? await regionView(actor, query.id, query) : query.level === "store" ? await storeView(actor, query.id, query) : await guideView(actor, query.id, query);
    const { fileName, body } = await completionWorkbook(completion);
    ctx.attachment(fileName);
    ctx.type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    ctx.body = body;
  });
  router.post("/completion/remind", validate(CompletionRemindSchema), async (ctx) => {
    const { body } = inputOf(ctx, CompletionRemindSchema);
    const actor = actorOf(ctx);
    assertCan(actor, "write", "completion");
    let userIds: string[];
    if (body.userIds) {
      // Each picked guide must exist and, for a manager, sit in one of their stores.
      userIds = [...new Set(body.userIds)];
      const stores = await Promise.all(userIds.map((userId) => storeOfGuide(userId)));
      if (stores.some((store) => store === undefined || (actor.role === "manager" && (store === null || !actor.scopeStoreIds.includes(store))))) {
        throw AuthorizationError("userIds: 有导购不存在或不在您的管辖范围");
      }
    } else {
      assertStoreInScope(actor, body.storeId ?? null);
      userIds = await guidesOfStore(body.storeId ?? "");
    }
    const outcome = await remindTaskGuides({ wecom: options.wecom, agentId: options.agentId, userIds, url: `${siteOrigin(ctx, options.publicUrl)}/sidebar/tasks`, now: options.now() });
    const names = await guideNames(outcome.skipped.map((skip) => skip.userId));
    const result: PresentedCompletionReminders = {
      reminded: outcome.reminded.length,
      skipped: outcome.skipped.map((skip) => ({ ...skip, name: names.get(skip.userId) ?? skip.userId })),
      message: outcome.reminded.length > 0 ? `已催办 ${outcome.reminded.length} 位导购${outcome.skipped.length > 0 ? `，${outcome.skipped.length} 位未催办` : ""}` : "没有导购需要催办",
    };
    ctx.body = { data: result };
  });
  return router;
}
