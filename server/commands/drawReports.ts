import type { Types } from "mongoose";
import { chinaDate } from "../domain/chinaTime.ts";
import { Customer } from "../models/Customer.ts";
import { DrawQuota } from "../models/DrawQuota.ts";
import { DrawRecord } from "../models/DrawRecord.ts";
import { BUDGET_KEY, DrawStock } from "../models/DrawStock.ts";
import { DrawWin, type StoredWin } from "../models/DrawWin.ts";
import type { StoredDraw } from "../models/LuckyDraw.ts";
import { Member } from "../models/Member.ts";
import { cashStates } from "./drawCash.ts";
import { PRIZE_KIND_LABELS } from "../presenters/labels.ts";

/**
 * @param drawId the draw.
 * @returns what is left per prize id and of the budget (key "budget").
 */
export async function drawStocks(drawId: Types.ObjectId): Promise<Map<string, number>> {
  const stocks = await DrawStock.find({ drawId }, { key: 1, left: 1 }).lean();
  return new Map(stocks.map((stock) => [stock.key, stock.left]));
}

/**
 * The detail page's figures: participants, draws and wins (in total, per prize, per China day),
 * stock left, and cash paid / pending / failed from the payouts' transfers.
 *
 * @param draw the draw.
 * @param now the clock.
 * @returns the figures (server/presenters/draw.ts DrawStats).
 */
export async function drawStats(draw: StoredDraw, now: Date) {
  const [participants, records, wins, left] = await Promise.all([
    DrawQuota.countDocuments({ drawId: draw._id }),
    DrawRecord.find({ drawId: draw._id, state: "done" }, { at: 1, winId: 1 }).lean(),
    DrawWin.find({ drawId: draw._id }, { prizeId: 1, kind: 1, amountFen: 1, wonAt: 1 }).lean(),
    drawStocks(draw._id),
  ]);
  const perPrizeWins = new Map<string, number>();
  for (const win of wins) {
    perPrizeWins.set(win.prizeId, (perPrizeWins.get(win.prizeId) ?? 0) + 1);
  }
  const daily = new Map<string, { draws: number; wins: number }>();
  for (const record of records) {
    const day = chinaDate(record.at);
    const entry = daily.get(day) ?? { draws: 0, wins: 0 };
    entry.draws += 1;
    entry.wins += record.winId ? 1 : 0;
    daily.set(day, entry);
  }
  const cashWins = wins.filter((win) => win.kind === "cash");
  const states = await cashStates(cashWins.map((win) => win._id), now);
  const cash = { budgetFen: draw.cashBudgetFen ?? 0, leftFen: left.get(BUDGET_KEY) ?? 0, paidFen: 0, pendingFen: 0, failedFen: 0 };
  for (const win of cashWins) {
    const state = states.get(win._id)?.state ?? "processing";
    const amount = win.amountFen ?? 0;
    if (state === "paid") {
      cash.paidFen += amount;
    } else if (state === "failed" || state === "cancelled") {
      cash.failedFen += amount;
    } else {
      cash.pendingFen += amount;
    }
  }
  return {
    participants,
    draws: records.length,
    wins: wins.length,
    perPrize: draw.prizes.map((prize) => ({
      prizeId: prize.id,
      name: prize.name,
      kind: prize.kind,
      kindLabel: PRIZE_KIND_LABELS[prize.kind],
      stock: prize.stock ?? 0,
      left: prize.kind === "none" ? null : (left.get(prize.id) ?? 0),
      wins: prize.kind === "none" ? records.length - wins.length : (perPrizeWins.get(prize.id) ?? 0),
    })),
    cash,
    daily: [...daily.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([day, counts]) => ({ day, ...counts })),
  };
}

/** Which wins a list shows. */
export interface WinnerFilter {
  drawId: Types.ObjectId;
  prizeId?: string | undefined;
  status?: string | undefined;
  /** A manager's scope: only wins of these customers (null: everyone). */
  externalUserIds?: string[] | null;
}

/**
 * @param filter the draw and the filters.
 * @returns the MongoDB filter.
 */
export function winnerQuery(filter: WinnerFilter): Record<string, unknown> {
  const query: Record<string, unknown> = { drawId: filter.drawId };
  if (filter.prizeId) {
    query.prizeId = filter.prizeId;
  }
  if (filter.status) {
    query.status = filter.status;
  }
  if (filter.externalUserIds) {
    query.externalUserId = { $in: filter.externalUserIds };
  }
  return query;
}

/**
 * Names for winners, by win id: the WeCom customer's name, else the member's, else "微信用户".
 *
 * @param wins the wins of a page (or an export batch).
 * @returns names by win id.
 */
export async function winnerNames(wins: Pick<StoredWin, "_id" | "externalUserId" | "memberId">[]): Promise<Map<string, string>> {
  const externalUserIds = [...new Set(wins.map((win) => win.externalUserId).filter((id): id is string => Boolean(id)))];
  const memberIds = [...new Set(wins.filter((win) => !win.externalUserId && win.memberId).map((win) => String(win.memberId)))];
  const [customers, members] = await Promise.all([
    externalUserIds.length ? Customer.find({ externalUserId: { $in: externalUserIds } }, { externalUserId: 1, name: 1 }).lean() : [],
    memberIds.length ? Member.find({ _id: { $in: memberIds } }, { name: 1 }).lean() : [],
  ]);
  const customerNames = new Map(customers.map((customer) => [customer.externalUserId, customer.name]));
  const memberNames = new Map(members.map((member) => [String(member._id), member.name]));
  return new Map(wins.map((win) => [win._id, (win.externalUserId ? customerNames.get(win.externalUserId) : null) || (win.memberId ? memberNames.get(String(win.memberId)) : null) || "微信用户"]));
}

/**
 * One page of winners with their names and cash states.
 *
 * @param filter which wins.
 * @param page 1-based page.
 * @param pageSize rows per page.
 * @param now the clock.
 * @returns the wins, names, cash state labels and the total.
 */
export async function winnersPage(filter: WinnerFilter, page: number, pageSize: number, now: Date) {
  const query = winnerQuery(filter);
  const [wins, total] = await Promise.all([
    DrawWin.find(query).sort({ wonAt: -1, _id: 1 }).skip((page - 1) * pageSize).limit(pageSize).lean() as Promise<StoredWin[]>,
    DrawWin.countDocuments(query),
  ]);
  const [names, states] = await Promise.all([winnerNames(wins), cashStates(wins.filter((win) => win.kind === "cash").map((win) => win._id), now)]);
  return { wins, names, cash: states, total };
}
