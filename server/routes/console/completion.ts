import type Router from "@koa/router";
import { createRouter } from "../router.ts";
import type { Context, Next } from "koa";
import remindTaskGuides, { REMINDERS_PER_DAY, reminderPreview, type ReminderSkipCode, type TaskReminderOutcome } from "../../commands/completionReminder.ts";
import kpiCalculator from "../../commands/kpiCalculator.ts";
import { currentProgram } from "../../commands/programStore.ts";
import taskNames from "../../commands/taskNames.ts";
import { CHINA_OFFSET_MS } from "../../domain/chinaTime.ts";
import { actorOf } from "../../middlewares/authenticate.ts";
import { inputOf, validate } from "../../middlewares/validate.ts";
import { CampaignGuide, type CampaignGuideAttrs, type CampaignKind } from "../../models/CampaignGuide.ts";
import { Task, type TaskAttrs } from "../../models/Task.ts";
import type { PresentedCompletionReminders, PresentedCompletionRemindPreview, PresentedUndone } from "../../presenters/completion.ts";
import { presentKpis } from "../../presenters/kpis.ts";
import { CAMPAIGN_KIND_LABELS } from "../../presenters/labels.ts";
import { presentTasks } from "../../presenters/task.ts";
import { assertCan } from "../../security/authorization.ts";
import type { WeComClient } from "../../wecom/client.ts";
import { siteOrigin } from "../siteOrigin.ts";
import { campaignNames, guideNames } from "./campaignsLookup.ts";
import { remindScope } from "./completionRemindScope.ts";
import { assertGuideInScope, assertStoreInScope, companyView, completionWorkbook, guideView, regionView, storeView } from "./completionReport.ts";
import {
  CompletionCompanySchema,
  CompletionExportSchema,
  CompletionGuideSchema,
  CompletionRegionSchema,
  CompletionRemindPreviewSchema,
  CompletionRemindSchema,
  CompletionStoreSchema,
  CompletionUndoneSchema,
} from "./completionSchema.ts";

/** Undone campaigns shown beside a guide's tasks: the latest, a guide rarely has more open. */
const UNDONE_CAMPAIGNS = 50;

/** How a skipped guide is counted in the outcome's one line. */
const SKIP_SUMS: Record<ReminderSkipCode, string> = { no_open_tasks: "没有未完成的任务", daily_limit: `今天已催办满 ${REMINDERS_PER_DAY} 次`, unknown_to_wecom: "企业微信找不到" };

/** "已催办 12 位导购，31 位未催办（28 位没有未完成的任务，3 位今天已催办满 2 次）". */
function reminderMessage(outcome: TaskReminderOutcome): string {
  const sums = (Object.keys(SKIP_SUMS) as ReminderSkipCode[])
    .map((code) => [code, outcome.skipped.filter((skip) => skip.code === code).length] as const)
    .filter(([, skipped]) => skipped > 0)
    .map(([code, skipped]) => `${skipped} 位${SKIP_SUMS[code]}`);
  const why = sums.length > 0 ? `（${sums.join("，")}）` : "";
  if (outcome.reminded.length === 0) {
    return outcome.skipped.length === 0 ? "没有可催办的导购" : `未催办任何导购${why}`;
  }
  return `已催办 ${outcome.reminded.length} 位导购${outcome.skipped.length > 0 ? `，${outcome.skipped.length} 位未催办${why}` : ""}`;
}

/** A China day's first instant. */
const dayStart = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) - CHINA_OFFSET_MS);

/**
 * The completion dashboards (完成率): 全公司, 区域, 门店, 导购 over a period and task kind, a
 * store's membership KPIs, a guide's undone items, the export of each view and 催办 (of a store,
 * a region, the company or picked guides, with a preview for the confirm dialog). Managers see
 * their own stores only (a cut company view, their stores and guides; other stores and regions
 * 403); their 催办 of a region reaches only their stores of it.
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
  // Asked before the query is read, so a role that cannot 催办 is refused, not told its query is wrong.
  const mayRemind = (ctx: Context, next: Next) => {
    assertCan(actorOf(ctx), "write", "completion");
    return next();
  };
  router.get("/completion/remind/preview", mayRemind, validate(CompletionRemindPreviewSchema), async (ctx) => {
    const { query } = inputOf(ctx, CompletionRemindPreviewSchema);
    const scope = await remindScope(actorOf(ctx), query);
    const { open, limitReached } = await reminderPreview(options.now(), [...scope.storeOf.keys()]);
    const used = new Set(limitReached);
    const toRemind = open.filter((userId) => !used.has(userId));
    const storesOf = (userIds: string[]) => new Set(userIds.map((userId) => scope.storeOf.get(userId)).filter((store) => store !== null && store !== undefined)).size;
    const preview: PresentedCompletionRemindPreview = {
      guides: scope.storeOf.size,
      stores: storesOf([...scope.storeOf.keys()]),
      toRemind: toRemind.length,
      toRemindStores: storesOf(toRemind),
      noOpenTasks: scope.storeOf.size - open.length,
      limitReached: used.size,
      cut: scope.cut,
    };
    ctx.body = { data: preview };
  });
  router.post("/completion/remind", validate(CompletionRemindSchema), async (ctx) => {
    const { body } = inputOf(ctx, CompletionRemindSchema);
    const actor = actorOf(ctx);
    assertCan(actor, "write", "completion");
    const scope = await remindScope(actor, body);
    const outcome = await remindTaskGuides({ wecom: options.wecom, agentId: options.agentId, userIds: [...scope.storeOf.keys()], url: `${siteOrigin(ctx, options.publicUrl)}/sidebar/tasks`, now: options.now() });
    const names = await guideNames(outcome.skipped.map((skip) => skip.userId));
    const result: PresentedCompletionReminders = {
      reminded: outcome.reminded.length,
      skipped: outcome.skipped.map((skip) => ({ ...skip, name: names.get(skip.userId) ?? skip.userId })),
      message: reminderMessage(outcome),
    };
    ctx.body = { data: result };
  });
  return router;
}
