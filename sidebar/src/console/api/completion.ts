// The completion dashboards (完成率): each level's view, a store's membership KPIs, a guide's
// undone items, the export and 催办 (docs/completion-dashboards.md).
import type { PresentedCompletionReminders, PresentedCompletionRemindPreview, PresentedCompletionView, PresentedUndone } from "@server/presenters/completion";
import type { PresentedKpis } from "@server/presenters/kpis";
import { api, query } from "@shared/api";
import { consoleUrl, segment, type PageQuery } from "./base";

type TaskKind = NonNullable<PresentedCompletionView["kind"]>;

/** The period (China days) and task kind every view takes. */
export type CompletionPeriod = { from: string; to: string; kind?: TaskKind };
/** Whose view: the company, or a region, store or guide by id. */
export type CompletionTarget = { level: "company" } | { level: "region" | "store" | "guide"; id: string };

const PATHS = { region: "regions", store: "stores", guide: "guides" } as const;
const viewPath = (target: CompletionTarget) => (target.level === "company" ? "/completion/company" : `/completion/${PATHS[target.level]}/${segment(target.id)}`);

export const fetchCompletionView = (target: CompletionTarget, period: CompletionPeriod) => api.get<PresentedCompletionView>(consoleUrl(`${viewPath(target)}${query(period)}`));
export const fetchStoreKpis = (storeId: string, period: CompletionPeriod) => api.get<PresentedKpis>(consoleUrl(`/completion/stores/${segment(storeId)}/kpis${query({ from: period.from, to: period.to })}`));
/** A guide's open tasks (paged, oldest due first) and campaigns not done, with the pagination beside them. */
export const fetchUndone = (userId: string, page: PageQuery) => api.answer<PresentedUndone, object>(consoleUrl(`/completion/guides/${segment(userId)}/undone${query(page)}`));
export const completionExportUrl = (target: CompletionTarget, period: CompletionPeriod) => consoleUrl(`/completion/export${query({ level: target.level, id: target.level === "company" ? undefined : target.id, ...period })}`);
/** Whom a 催办 reaches: exactly one of a store, a region, the company (admins) or guides picked. */
export type RemindSelector = { storeId: string } | { regionId: string } | { scope: "company" } | { userIds: string[] };
/** 催办 the guides of a store, region or the company who have open tasks, or the guides picked. */
export const remindTaskGuides = (body: RemindSelector) => api.post<PresentedCompletionReminders>(consoleUrl("/completion/remind"), body);
/** How many guides in how many stores a 催办 of a store, region or the company would reach now. */
export const previewRemind = (selector: Exclude<RemindSelector, { userIds: string[] }>) => api.get<PresentedCompletionRemindPreview>(consoleUrl(`/completion/remind/preview${query(selector)}`));
