import { closedReason, DRAW_REFUSALS } from "../domain/drawRules.ts";
import type { DrawParticipant } from "../domain/drawParticipant.ts";
import { DrawWin, type StoredWin } from "../models/DrawWin.ts";
import type { DrawPageState, DrawPageStatus } from "../domain/drawShapes.ts";
import { presentPublicDraw, presentPublicWin } from "./drawViews.ts";
import { drawRefusal } from "./drawTaker.ts";
import { drawBySlug } from "./drawCache.ts";
import { cashStates } from "./drawCash.ts";
import { drawEligibility } from "./drawEligibility.ts";
import { turnsLeft } from "./drawQuota.ts";
import { BUDGET_KEY, stocksLeft } from "./drawStock.ts";

/**
 * Everything the draw page shows, in one read: the draw, whether this person can draw now and
 * why not (in Chinese), draws left, and their wins with fulfilment and cash state. Reads by key
 * (the draw from the slug cache, the quota and stocks by _id, wins by draw + participant).
 *
 * @param props slug, who is looking (null: not recognised yet) and the clock.
 * @returns the page's state.
 */
export async function readDrawPage({ slug, participant, now }: { slug: string; participant: DrawParticipant | null; now: Date }): Promise<DrawPageState> {
  const draw = await drawBySlug(slug);
  if (!draw || draw.status === "draft") {
    throw drawRefusal("draw_not_found");
  }
  const base = { draw: presentPublicDraw(draw), left: { today: draw.limits?.perDay ?? null, total: draw.limits?.total ?? null }, wins: [] };
  const closed = closedReason(draw, now);
  if (closed) {
    const status = closed.replace(/^draw_/, "") as DrawPageStatus;
    return { ...base, status, reason: DRAW_REFUSALS[closed], canDraw: false };
  }
  if (!participant) {
    return { ...base, status: "unknown_participant", reason: "请通过导购发送的链接或在微信中打开本页面", canDraw: false };
  }
  const [eligibility, turns] = await Promise.all([drawEligibility(draw, participant, now), turnsLeft(draw, participant.key, now)]);
  // The quota keeps the wins' ids: read by key, newest first.
  const winIds = turns.winIds.slice(-50);
  const wins = winIds.length ? ((await DrawWin.find({ _id: { $in: winIds } }).lean()) as StoredWin[]).sort((a, b) => b.wonAt.getTime() - a.wonAt.getTime()) : [];
  const cash = await cashStates(wins.filter((win) => win.kind === "cash").map((win) => win._id));
  const state = { ...base, left: { today: turns.today, total: turns.total }, wins: wins.map((win) => presentPublicWin(win, cash.get(win._id) ?? null)) };
  if (!eligibility.eligible) {
    return { ...state, status: "not_eligible", reason: eligibility.reason ?? DRAW_REFUSALS.draw_not_eligible, canDraw: false };
  }
  if (turns.today === 0 || turns.total === 0) {
    return { ...state, status: "no_draws_left", reason: turns.total === 0 ? DRAW_REFUSALS.draw_no_draws_left : "今日抽奖次数已用完，明天再来吧", canDraw: false };
  }
  const winnable = draw.prizes.filter((prize) => prize.kind !== "none");
  const left = await stocksLeft(String(draw._id), [...winnable.map((prize) => prize.id), BUDGET_KEY]);
  const available = winnable.some((prize) => (left.get(prize.id) ?? 0) > 0 && (prize.kind !== "cash" || (left.get(BUDGET_KEY) ?? 0) >= (prize.amountFen ?? 0)));
  if (winnable.length > 0 && !available) {
    return { ...state, status: "sold_out", reason: DRAW_REFUSALS.draw_sold_out, canDraw: false };
  }
  return { ...state, status: "open", reason: null, canDraw: true };
}
