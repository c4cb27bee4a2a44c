import { z } from "zod";
import { TASK_KINDS } from "../../domain/tasks.ts";
import { MAX_PERIOD_DAYS } from "../../commands/completionViews.ts";
import { page, pageSize } from "./fields.ts";

const chinaDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "应为日期，如 2026-12-01")
  .refine((day) => !Number.isNaN(Date.parse(`${day}T00:00:00Z`)) && new Date(`${day}T00:00:00Z`).toISOString().startsWith(day), "不是有效的日期");
const departmentId = (what: string) => z.string().regex(/^\d{1,12}$/, `不是有效的${what}`);
const userId = z.string().trim().min(1, "请选择导购").max(64, "不是有效的导购");

/** The period and the task kind every view and export takes: China days, at most a quarter. */
const period = z
  .object({
    from: chinaDay,
    to: chinaDay,
    kind: z.enum(TASK_KINDS, "不是有效的任务类型").optional(),
  })
  .superRefine((query, ctx) => {
    const days = (Date.parse(`${query.to}T00:00:00Z`) - Date.parse(`${query.from}T00:00:00Z`)) / 86_400_000 + 1;
    if (days < 1) {
      ctx.addIssue({ code: "custom", path: ["from"], message: "开始日期不能晚于结束日期" });
    } else if (days > MAX_PERIOD_DAYS) {
      ctx.addIssue({ code: "custom", path: ["to"], message: `时间范围不能超过 ${MAX_PERIOD_DAYS} 天` });
    }
  });

export const CompletionCompanySchema = z.object({ query: period });
export const CompletionRegionSchema = z.object({ params: z.object({ regionId: departmentId("区域") }), query: period });
export const CompletionStoreSchema = z.object({ params: z.object({ storeId: departmentId("门店") }), query: period });
export const CompletionGuideSchema = z.object({ params: z.object({ userId }), query: period });
export const CompletionUndoneSchema = z.object({ params: z.object({ userId }), query: z.object({ page, pageSize }) });

/** One export for every level: the view's own query, with the level and whose view it is. */
export const CompletionExportSchema = z.object({
  query: period.and(
    z.discriminatedUnion("level", [
      z.object({ level: z.literal("company") }),
      z.object({ level: z.literal("region"), id: departmentId("区域") }),
      z.object({ level: z.literal("store"), id: departmentId("门店") }),
      z.object({ level: z.literal("guide"), id: userId }),
    ], { error: "应为 company（全公司）、region（区域）、store（门店）或 guide（导购）" }),
  ),
});

/** Whom a 催办 reaches: one store, one region, the whole company (admins) or guides picked. */
const SELECTORS = ["storeId", "regionId", "scope", "userIds"] as const;
const SELECTOR_NAMES = { storeId: "门店", regionId: "区域", scope: "全公司", userIds: "导购" } as const;
const selectorFields = {
  storeId: departmentId("门店").optional(),
  regionId: departmentId("区域").optional(),
  scope: z.literal("company", "应为 company（全公司）").optional(),
};

// Exactly one selector: a body naming a store and a region would otherwise remind one of them
// silently, and the person would not know which.
function exactlyOne(keys: readonly (typeof SELECTORS)[number][]) {
  return (body: Partial<Record<(typeof SELECTORS)[number], unknown>>, ctx: z.RefinementCtx) => {
    const given = keys.filter((key) => body[key] !== undefined);
    const names = keys.map((key) => SELECTOR_NAMES[key]).join("、");
    if (given.length === 0) {
      ctx.addIssue({ code: "custom", path: ["storeId"], message: `请选择${names}中的一项` });
    } else if (given.length > 1) {
      ctx.addIssue({ code: "custom", path: [given[1] ?? "storeId"], message: `只能选择${names}中的一项，不能同时给 ${given.join(" 和 ")}` });
    }
  };
}

/** 催办: the guides with undone tasks of one store, one region, the company, or the ones picked. */
export const CompletionRemindSchema = z.object({
  body: z
    .object({
      ...selectorFields,
      userIds: z.array(userId).min(1, "至少选择一名导购").max(1000, "一次最多催办 1000 名导购").optional(),
    })
    .superRefine(exactlyOne(SELECTORS)),
});

/** What a 催办 of a store, region or the company would reach, for the confirm dialog. */
export const CompletionRemindPreviewSchema = z.object({
  query: z.object(selectorFields).superRefine(exactlyOne(["storeId", "regionId", "scope"])),
});
