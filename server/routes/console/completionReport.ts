// The completion dashboard's views (全公司 → 区域 → 门店 → 导购) built from the rollups, cut to
// what the actor may see, and their workbook.
import { zeroFigures } from "../../domain/completionSnapshots.ts";
import { guidesOfStore, readCompletion, readEach, storeOfGuide, storePlace, storesOfRegion } from "../../commands/completionViews.ts";
import statsWorkbook, { PERCENT_FORMAT, statsFileName } from "../../commands/statsWorkbook.ts";
import { daysBetween } from "../../domain/statFigures.ts";
import { TASK_KIND_LABELS, type CompletionFigures, type TaskKind } from "../../domain/tasks.ts";
import { AppError, AuthorizationError } from "../../errors.ts";
import type { CompletionLevel } from "../../models/CompletionDay.ts";
import {
  completionKinds,
  presentCompletionFigures,
  rankCompletionRows,
  type CompletionViewLevel,
  type PresentedCompletionFigures,
  type PresentedCompletionRow,
  type PresentedCompletionView,
} from "../../presenters/completion.ts";
import type { Actor } from "../../security/authorization.ts";
import { departmentNames, guideNames } from "./campaignsLookup.ts";

/** The period and kind a view is asked for. */
export interface CompletionQuery {
  from: string;
  to: string;
  kind?: TaskKind | undefined;
}

type Crumb = PresentedCompletionView["path"][number];

const isManager = (actor: Actor) => actor.role === "manager";
const COMPANY: Crumb = { level: "company", id: null, name: "全公司" };
const ROW_LEVELS: Partial<Record<CompletionLevel, PresentedCompletionRow["level"]>> = { region: "region", store: "store", guide: "guide" };

/** Rows from children's figures (and the directory's children that did nothing, at zero), named. */
async function rowsOf(children: { level: CompletionLevel; ownerId: string; figures: CompletionFigures }[], kind: TaskKind | null): Promise<PresentedCompletionRow[]> {
  const [departments, guides] = await Promise.all([
    departmentNames(children.filter((child) => child.level !== "guide").map((child) => child.ownerId)),
    guideNames(children.filter((child) => child.level === "guide").map((child) => child.ownerId)),
  ]);
  const rows = children.flatMap((child): PresentedCompletionRow[] => {
    const level = ROW_LEVELS[child.level];
    if (!level) {
      return [];
    }
    const name = level === "guide" ? (guides.get(child.ownerId) ?? child.ownerId) : (departments.get(child.ownerId) ?? (level === "region" ? "未知区域" : "未知门店"));
    return [{ level, id: child.ownerId, name, figures: presentCompletionFigures(child.figures, kind) }];
  });
  return rankCompletionRows(rows);
}

/** Children from the rollups, plus those the directory lists that have no figures yet. */
function withDirectory(children: { level: CompletionLevel; ownerId: string; figures: CompletionFigures }[], level: CompletionLevel, ownerIds: string[]) {
  const seen = new Set(children.filter((child) => child.level === level).map((child) => child.ownerId));
  return [...children, ...ownerIds.filter((id) => !seen.has(id)).map((ownerId) => ({ level, ownerId, figures: zeroFigures() }))];
}

function view(level: CompletionViewLevel, id: string | null, path: Crumb[], query: CompletionQuery, read: { total: CompletionFigures; trend: { day: string; figures: CompletionFigures }[] }, rows: PresentedCompletionRow[], cut = false): PresentedCompletionView {
  const kind = query.kind ?? null;
  return {
    level,
    id,
    name: path[path.length - 1]?.name ?? "全公司",
    from: query.from,
    to: query.to,
    kind,
    kinds: completionKinds(),
    path,
    cut,
    total: presentCompletionFigures(read.total, kind),
    rows,
    trend: read.trend.map((point) => ({ day: point.day, figures: presentCompletionFigures(point.figures, kind) })),
  };
}

/**
 * 全公司: regions compared (and stores without a region); a manager gets their own stores instead (a cut view).
 *
 * @returns the view.
 */
export async function companyView(actor: Actor, query: CompletionQuery): Promise<PresentedCompletionView> {
  const days = daysBetween(query.from, query.to);
  if (isManager(actor)) {
    const [read, each] = await Promise.all([readCompletion("store", actor.scopeStoreIds, days), readEach("store", actor.scopeStoreIds, days)]);
    const rows = await rowsOf([...each.entries()].map(([ownerId, figures]) => ({ level: "store", ownerId, figures })), query.kind ?? null);
    return view("company", null, [{ ...COMPANY, name: "我的门店" }], query, read, rows, true);
  }
  const read = await readCompletion("all", ["all"], days);
  return view("company", null, [COMPANY], query, read, await rowsOf(read.children, query.kind ?? null));
}

/**
 * 区域: its stores compared. Headquarters only: a manager's company view already shows their stores.
 *
 * @returns the view.
 */
export async function regionView(actor: Actor, regionId: string, query: CompletionQuery): Promise<PresentedCompletionView> {
  if (isManager(actor)) {
    throw AuthorizationError("区域视图仅总部可见，请在「我的门店」中查看");
  }
  const name = (await departmentNames([regionId])).get(regionId);
  if (name === undefined) {
    throw new AppError(404, "not_found", "该区域不存在");
  }
  const [read, stores] = await Promise.all([readCompletion("region", [regionId], daysBetween(query.from, query.to)), storesOfRegion(regionId)]);
  const rows = await rowsOf(withDirectory(read.children, "store", stores), query.kind ?? null);
  return view("region", regionId, [COMPANY, { level: "region", id: regionId, name }], query, read, rows);
}

/** The crumbs from the company down to a store, as the actor may open them. */
async function storePath(actor: Actor, storeId: string): Promise<Crumb[]> {
  const place = await storePlace(storeId);
  if (!place) {
    throw new AppError(404, "not_found", "该门店不存在");
  }
  const names = await departmentNames([storeId, place.regionId]);
  const region: Crumb[] = place.regionId && !isManager(actor) ? [{ level: "region", id: place.regionId, name: names.get(place.regionId) ?? "未知区域" }] : [];
  return [isManager(actor) ? { ...COMPANY, name: "我的门店" } : COMPANY, ...region, { level: "store", id: storeId, name: names.get(storeId) ?? "未知门店" }];
}

/**
 * @param actor who asks.
 * @param storeId a store.
 * @throws 403 for a manager's store that is not theirs.
 */
export function assertStoreInScope(actor: Actor, storeId: string | null): void {
  if (isManager(actor) && (storeId === null || !actor.scopeStoreIds.includes(storeId))) {
    throw AuthorizationError("该门店不在您的管辖范围");
  }
}

/**
 * 门店: its guides compared (those of the directory who did nothing too).
 *
 * @returns the view.
 */
export async function storeView(actor: Actor, storeId: string, query: CompletionQuery): Promise<PresentedCompletionView> {
  assertStoreInScope(actor, storeId);
  const [path, read, guides] = await Promise.all([storePath(actor, storeId), readCompletion("store", [storeId], daysBetween(query.from, query.to)), guidesOfStore(storeId)]);
  const rows = await rowsOf(withDirectory(read.children, "guide", guides), query.kind ?? null);
  return view("store", storeId, path, query, read, rows);
}

/**
 * 导购: their days (the undone items are read apart, paged).
 *
 * @returns the view.
 */
export async function guideView(actor: Actor, userId: string, query: CompletionQuery): Promise<PresentedCompletionView> {
  const storeId = await assertGuideInScope(actor, userId);
  const [path, names, read] = await Promise.all([storeId ? storePath(actor, storeId) : [COMPANY], guideNames([userId]), readCompletion("guide", [userId], daysBetween(query.from, query.to))]);
  const name = names.get(userId) ?? userId;
  return view("guide", userId, [...path, { level: "guide", id: userId, name }], query, read, []);
}

/**
 * @param actor who asks.
 * @param userId a guide.
 * @returns the guide's store now.
 * @throws 404 for someone not in the directory, 403 for a manager's guide of another store.
 */
export async function assertGuideInScope(actor: Actor, userId: string): Promise<string | null> {
  const storeId = await storeOfGuide(userId);
  if (storeId === undefined) {
    throw isManager(actor) ? AuthorizationError("该导购不在您的管辖范围") : new AppError(404, "not_found", "该导购不存在");
  }
  if (isManager(actor) && (storeId === null || !actor.scopeStoreIds.includes(storeId))) {
    throw AuthorizationError("该导购不在您的管辖范围");
  }
  return storeId;
}

const FIGURE_COLUMNS: { header: string; width: number; value: (figures: PresentedCompletionFigures) => number | null; percent?: boolean }[] = [
  { header: "应完成任务", width: 12, value: (figures) => figures.tasksDue },
  { header: "已完成任务", width: 12, value: (figures) => figures.tasksDone },
  { header: "按时完成", width: 10, value: (figures) => figures.tasksOnTime },
  { header: "任务完成率", width: 12, value: (figures) => figures.rates.tasks, percent: true },
  { header: "按时完成率", width: 12, value: (figures) => figures.rates.onTime, percent: true },
  { header: "朋友圈应发表", width: 12, value: (figures) => figures.momentsAssigned },
  { header: "朋友圈已发表", width: 12, value: (figures) => figures.momentsPublished },
  { header: "朋友圈发表率", width: 12, value: (figures) => figures.rates.moments, percent: true },
  { header: "群发应发送", width: 12, value: (figures) => figures.massAssigned },
  { header: "群发已发送", width: 12, value: (figures) => figures.massSent },
  { header: "群发完成率", width: 12, value: (figures) => figures.rates.mass, percent: true },
  { header: "新客应问候", width: 12, value: (figures) => figures.greetingsDue },
  { header: "24 小时内问候", width: 14, value: (figures) => figures.greetingsOnTime },
  { header: "24 小时问候率", width: 14, value: (figures) => figures.rates.greetings, percent: true },
  { header: "新增客户", width: 10, value: (figures) => figures.adds },
  { header: "新增会员", width: 10, value: (figures) => figures.membersRecruited },
];
const LEVEL_HEADERS: Record<PresentedCompletionRow["level"], string> = { region: "区域 / 门店", store: "门店", guide: "导购" };

/**
 * A view as a workbook: the ranked table (with the total) and the days.
 *
 * @param completion the view.
 * @returns the file's name and bytes.
 */
export async function completionWorkbook(completion: PresentedCompletionView): Promise<{ fileName: string; body: Buffer }> {
  const columns = FIGURE_COLUMNS.map((column) => ({ header: column.header, width: column.width, ...(column.percent ? { numFmt: PERCENT_FORMAT } : {}) }));
  const cells = (figures: PresentedCompletionFigures) => FIGURE_COLUMNS.map((column) => column.value(figures));
  const first = completion.rows[0]?.level;
  const sheets = [
    ...(completion.rows.length > 0
      ? [{ name: "排名", columns: [{ header: "排名", width: 6 }, { header: first ? LEVEL_HEADERS[first] : "名称", width: 20 }, ...columns], rows: [...completion.rows.map((row, index) => [index + 1, row.name, ...cells(row.figures)]), ["", "合计", ...cells(completion.total)]] }]
      : []),
    { name: "每日", columns: [{ header: "日期", width: 12 }, ...columns], rows: [...completion.trend.map((point) => [point.day, ...cells(point.figures)]), ["合计", ...cells(completion.total)]] },
  ];
  const kind = completion.kind ? TASK_KIND_LABELS[completion.kind] : "全部任务";
  return { fileName: statsFileName("完成率", completion.name, kind, `${completion.from}至${completion.to}`), body: await statsWorkbook(sheets) };
}
