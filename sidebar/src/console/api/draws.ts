// 抽奖活动: draws, their figures, winners and fulfilment (docs/draws.md).
import type { DrawStats, PresentedDraw, PresentedWinner } from "@server/presenters/draw";
import type { PresentedDrawAudit } from "@server/presenters/drawAudit";
import { api, query } from "@shared/api";
import { consoleUrl, segment, type PageQuery } from "./base";

/** A prize as the editor sends it (id kept for existing prizes). */
export interface DrawPrizeBody {
  id?: string;
  name: string;
  kind: PresentedDraw["prizes"][number]["kind"];
  weight: number;
  stock: number;
  points?: number | null;
  benefitId?: string | null;
  amountFen?: number | null;
}

/** The body of `POST /draws` and `PUT /draws/:id`. */
export interface DrawBody {
  slug: string;
  name: string;
  startsAt: string;
  endsAt: string;
  rules: string;
  style: PresentedDraw["style"];
  eligibility: PresentedDraw["eligibility"];
  limits: PresentedDraw["limits"];
  prizes: DrawPrizeBody[];
  cashBudgetFen: number;
  tagsOnJoin: string[];
  tagsOnWin: string[];
}

export type WinnerFilters = { prizeId?: string; status?: string };
/** The 审计日志 filters: a kind, China days (YYYY-MM-DD, both inclusive), one win's lines. */
export type DrawAuditFilters = { kind?: PresentedDrawAudit["kind"]; from?: string; to?: string; winId?: string };

export const fetchDraws = (params: PageQuery & { q?: string; status?: string }) => api.paged<PresentedDraw>(consoleUrl(`/draws${query(params)}`));
export const fetchDraw = (id: string) => api.get<PresentedDraw>(consoleUrl(`/draws/${segment(id)}`));
export const createDraw = (body: DrawBody) => api.post<PresentedDraw>(consoleUrl("/draws"), body);
export const updateDraw = (id: string, body: DrawBody) => api.put<PresentedDraw>(consoleUrl(`/draws/${segment(id)}`), body);
export const setDrawStatus = (id: string, status: "active" | "paused" | "ended") => api.post<PresentedDraw>(consoleUrl(`/draws/${segment(id)}/status`), { status });
export const deleteDraw = (id: string) => api.delete<{ id: string; deleted: boolean }>(consoleUrl(`/draws/${segment(id)}`));
export const fetchDrawStats = (id: string) => api.get<DrawStats>(consoleUrl(`/draws/${segment(id)}/stats`));
export const fetchWinners = (id: string, params: PageQuery & WinnerFilters) => api.paged<PresentedWinner>(consoleUrl(`/draws/${segment(id)}/winners${query(params)}`));
/** Ship with a tracking number, or mark signed for. */
export const changeFulfilment = (id: string, winId: string, body: { status: "shipped"; trackingNo: string; carrier: string } | { status: "signed" }) =>
  api.put<PresentedWinner>(consoleUrl(`/draws/${segment(id)}/winners/${segment(winId)}/fulfilment`), body);
/** The winners' Excel for fulfilment (admins and operators: it carries addresses and phones). */
export const winnersExportUrl = (id: string, filters: WinnerFilters) => consoleUrl(`/draws/${segment(id)}/winners/export${query(filters)}`);
/** The draw's audit log, newest first. */
export const fetchDrawAudit = (id: string, params: PageQuery & DrawAuditFilters) => api.paged<PresentedDrawAudit>(consoleUrl(`/draws/${segment(id)}/audit${query(params)}`));
