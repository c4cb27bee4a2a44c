import { setTimeout as sleep } from "node:timers/promises";
import type { Types } from "mongoose";
import { closedReason, DRAW_REFUSALS, pickByWeight, type DrawRefusal } from "../domain/drawRules.ts";
import type { DrawParticipant } from "../domain/drawParticipant.ts";
import { AppError } from "../errors.ts";
import { isDuplicateKeyError } from "../db/duplicates.ts";
import { DrawRecord, drawRecordId, winIdOf } from "../models/DrawRecord.ts";
import { DrawWin, type FulfilmentStatus, type StoredWin } from "../models/DrawWin.ts";
import { LuckyDraw, type PrizeAttrs, type StoredDraw } from "../models/LuckyDraw.ts";
import type { DrawOutcome } from "../domain/drawShapes.ts";
import { presentPublicPrize, presentPublicWin } from "./drawViews.ts";
import { audit } from "./drawAuditor.ts";
import { drawBySlug } from "./drawCache.ts";
import { drawEligibility } from "./drawEligibility.ts";
import { grantWin } from "./drawPrizeGranter.ts";
import { takeTurn, takeWin, returnWin, turnsLeft } from "./drawQuota.ts";
import { BUDGET_KEY, returnStock, stocksLeft, takeStock } from "./drawStock.ts";
import { owedTags } from "./drawTagger.ts";

const STATUS_OF: Record<DrawRefusal, number> = {
  draw_not_found: 404,
  draw_not_started: 409,
  draw_ended: 409,
  draw_paused: 409,
  draw_not_eligible: 403,
  draw_no_draws_left: 409,
  draw_sold_out: 409,
};

/**
 * @param id the refusal.
 * @param message a more precise reason than the default (eligibility's).
 * @returns the error to throw.
 */
export function drawRefusal(id: DrawRefusal, message: string = DRAW_REFUSALS[id]): AppError {
  return new AppError(STATUS_OF[id], id, message);
}

interface Props {
  slug: string;
  participant: DrawParticipant;
  /** The client's id for this attempt: a retry with the same id gets the same answer. */
  requestId: string;
  now: Date;
}

/**
 * Take one draw. In order: the draw is open; the request id is claimed by inserting the draw
 * record while the person's eligibility and the stock are read (a retry, or a concurrent twin,
 * finds the record and answers its outcome; a refusal removes it); one conditional update takes
 * a turn within the per-day and total limits; a prize is picked by weight with crypto randomness; the win is counted against maxWins, the prize's stock
 * and (for cash) the budget, each by a conditional update — if any is gone the draw is "thanks
 * for taking part" and what was taken is put back, so nothing is ever oversold; the win and the
 * record are written; only then is the prize handed over and the answer given.
 *
 * @param props the draw's slug, who draws, the request id and the clock.
 * @returns the outcome.
 */
export default async function takeDraw(props: Props): Promise<DrawOutcome> {
  return drawOnce(props, 0);
}

// How often a request whose twin was refused (and removed its record) is judged again.
const MAX_REJUDGE = 2;

async function drawOnce({ slug, participant, requestId, now }: Props, rejudged: number): Promise<DrawOutcome> {
  const draw = await drawBySlug(slug);
  if (!draw) {
    throw drawRefusal("draw_not_found");
  }
  const drawId = String(draw._id);
  const recordId = drawRecordId(drawId, participant.key, requestId);
  const again = () => (rejudged < MAX_REJUDGE ? drawOnce({ slug, participant, requestId, now }, rejudged + 1) : Promise.reject(drawRefusal("draw_no_draws_left")));
  const closed = closedReason(draw, now);
  if (closed) {
    // A retry of a draw taken before the close still gets its answer.
    if (await DrawRecord.exists({ _id: recordId })) {
      return replay(draw, participant, requestId, recordId, now, again);
    }
    throw drawRefusal(closed);
  }
  // The request id is claimed by inserting its record, while the person and the stock are read:
  // three round trips at once instead of one after another (a twin finds the record and replays).
  const winnable = draw.prizes.filter((prize) => prize.kind !== "none");
  const [claim, judged, stock] = await Promise.allSettled([
    DrawRecord.create({ _id: recordId, drawId: draw._id, participantKey: participant.key, requestId, state: "drawing", at: now }),
    drawEligibility(draw, participant, now),
    stocksLeft(drawId, [...winnable.map((prize) => prize.id), BUDGET_KEY]),
  ]);
  if (claim.status === "rejected") {
    if (isDuplicateKeyError(claim.reason)) {
      return replay(draw, participant, requestId, recordId, now, again);
    }
    throw claim.reason;
  }
  // Refused (or a read failed): the record goes, so a retry is judged afresh.
  const refuse = async (error: unknown): Promise<never> => {
    await DrawRecord.deleteOne({ _id: recordId, state: "drawing" });
    throw error;
  };
  if (judged.status === "rejected") {
    return refuse(judged.reason);
  }
  if (stock.status === "rejected") {
    return refuse(stock.reason);
  }
  const eligibility = judged.value;
  if (!eligibility.eligible) {
    return refuse(drawRefusal("draw_not_eligible", eligibility.reason ?? undefined));
  }
  if (winnable.length > 0 && winnable.every((prize) => !prizeAvailable(prize, stock.value))) {
    return refuse(drawRefusal("draw_sold_out"));
  }
  const turns = await takeTurn(draw, participant.key, now);
  if (!turns) {
    // Nothing was drawn: the record goes, so a later retry is judged afresh (and refused again).
    await DrawRecord.deleteOne({ _id: recordId, state: "drawing" });
    throw drawRefusal("draw_no_draws_left");
  }
  if (!draw.firstDrawAt) {
    await LuckyDraw.updateOne({ _id: draw._id, firstDrawAt: null }, { $set: { firstDrawAt: now } });
    // The cached copy learns it too: otherwise every draw until the cache expires writes again.
    draw.firstDrawAt = now;
  }
  const picked = pickByWeight(draw.prizes);
  const { prize, missReason } = await claimPrize(draw, picked, participant, eligibility.memberId, winIdOf(recordId));
  const winId = prize ? winIdOf(recordId) : null;
  let win: StoredWin | null = null;
  if (prize && winId) {
    win = await recordWin({ draw, prize, participant, memberId: eligibility.memberId, winId, recordId, now });
  }
  // Independent writes, made together before the answer: a crash between them leaves a record
  // "drawing" that a retry settles from the win (settleInterrupted).
  await Promise.all([
    DrawRecord.updateOne({ _id: recordId }, { $set: { state: "done", prizeId: prize?.id ?? null, winId, missReason } }),
    audit(
      { drawId: draw._id, kind: "draw", actor: "participant", participantKey: participant.key, winId, detail: { picked: picked?.id ?? null, prizeId: prize?.id ?? null, missReason, requestId }, at: now },
      ...(prize && win ? [{ drawId: draw._id, kind: "win" as const, actor: "participant", participantKey: participant.key, winId, detail: { prizeId: prize.id, kind: prize.kind, amountFen: prize.amountFen ?? null, points: prize.points ?? null }, at: now }] : []),
      ...(prize ? [{ drawId: draw._id, kind: "stock" as const, actor: "participant", winId, detail: { prizeId: prize.id, delta: -1, budgetDeltaFen: prize.kind === "cash" ? -(prize.amountFen ?? 0) : 0 }, at: now }] : []),
    ),
    owedTags({ draw, participant, won: Boolean(win), winId, now }),
  ]);
  return answer(draw, win, picked && !prize ? noneOf(draw) : null, requestId, false, turns, now);
}

function prizeAvailable(prize: PrizeAttrs, left: Map<string, number>): boolean {
  if ((left.get(prize.id) ?? 0) < 1) {
    return false;
  }
  return prize.kind !== "cash" || (left.get(BUDGET_KEY) ?? 0) >= (prize.amountFen ?? 0);
}

function noneOf(draw: StoredDraw): PrizeAttrs | null {
  return draw.prizes.find((prize) => prize.kind === "none") ?? null;
}

/**
 * Turn the picked prize into a win, or into "thanks" when it cannot be had: the person cannot
 * receive it (points and benefits need a member, cash an openid), maxWins is reached, the stock
 * or the budget is gone. Each take is a conditional update; a later failure puts back the earlier.
 */
async function claimPrize(draw: StoredDraw, picked: PrizeAttrs | null, participant: DrawParticipant, memberId: Types.ObjectId | null, winId: string): Promise<{ prize: PrizeAttrs | null; missReason: string | null }> {
  if (!picked || picked.kind === "none") {
    return { prize: null, missReason: null };
  }
  if ((picked.kind === "points" || picked.kind === "benefit") && !memberId) {
    return { prize: null, missReason: "not_member" };
  }
  if (picked.kind === "cash" && !participant.openid) {
    return { prize: null, missReason: "no_openid" };
  }
  const drawId = String(draw._id);
  if (!(await takeWin(drawId, participant.key, draw.limits?.maxWins, winId))) {
    return { prize: null, missReason: "max_wins" };
  }
  if (!(await takeStock(drawId, picked.id, 1))) {
    await returnWin(drawId, participant.key, winId);
    return { prize: null, missReason: "sold_out" };
  }
  if (picked.kind === "cash" && !(await takeStock(drawId, BUDGET_KEY, picked.amountFen ?? 0))) {
    await returnStock(drawId, picked.id, 1);
    await returnWin(drawId, participant.key, winId);
    return { prize: null, missReason: "budget" };
  }
  return { prize: picked, missReason: null };
}

const FIRST_STATUS: Record<Exclude<PrizeAttrs["kind"], "none">, FulfilmentStatus> = {
  points: "granting",
  benefit: "granting",
  physical: "awaiting_address",
  cash: "cash",
};

async function recordWin(props: { draw: StoredDraw; prize: PrizeAttrs; participant: DrawParticipant; memberId: Types.ObjectId | null; winId: string; recordId: string; now: Date }): Promise<StoredWin> {
  const { draw, prize, participant, now } = props;
  const doc = {
    _id: props.winId,
    drawId: draw._id,
    recordId: props.recordId,
    participantKey: participant.key,
    externalUserId: participant.externalUserId ?? null,
    openid: participant.openid ?? null,
    memberId: props.memberId,
    prizeId: prize.id,
    prizeName: prize.name,
    kind: prize.kind,
    points: prize.points ?? null,
    benefitId: prize.benefitId ?? null,
    amountFen: prize.amountFen ?? null,
    status: FIRST_STATUS[prize.kind as Exclude<PrizeAttrs["kind"], "none">],
    wonAt: now,
    statusAt: now,
  };
  try {
    return (await DrawWin.create(doc)).toObject() as StoredWin;
  } catch (error) {
    if (!isDuplicateKeyError(error)) {
      throw error;
    }
  }
  return (await DrawWin.findById(props.winId).lean()) as StoredWin;
}

// A draw takes well under a second; a record still "drawing" after this was left by a process
// that died half way.
const STALE_MS = 30_000;

/**
 * Finish a draw whose process died half way: with its win if the win was written (the win id
 * follows from the record), else as "thanks". Whatever stock it took without a win stays taken:
 * an interrupted draw may undersell, never oversell.
 */
async function settleInterrupted(recordId: string): Promise<void> {
  const win = await DrawWin.findById(winIdOf(recordId), { prizeId: 1 }).lean();
  await DrawRecord.updateOne({ _id: recordId, state: "drawing" }, { $set: { state: "done", prizeId: win?.prizeId ?? null, winId: win ? win._id : null, missReason: win ? null : "interrupted" } });
}

/**
 * A request id seen before: wait for its first attempt to finish, then answer what it drew.
 *
 * @param again judges the request afresh, for when the first attempt was refused and removed its record.
 */
async function replay(draw: StoredDraw, participant: DrawParticipant, requestId: string, recordId: string, now: Date, again: () => Promise<DrawOutcome>): Promise<DrawOutcome> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const record = await DrawRecord.findById(recordId).lean();
    if (!record) {
      // The first attempt was refused (not eligible, sold out, no draws left) and removed its record.
      return again();
    }
    if (record.state === "drawing" && now.getTime() - record.at.getTime() > STALE_MS) {
      await settleInterrupted(recordId);
      continue;
    }
    if (record.state === "done") {
      const win = record.winId ? ((await DrawWin.findById(record.winId).lean()) as StoredWin | null) : null;
      const turns = await turnsLeft(draw, participant.key, now);
      const picked = record.prizeId === null ? noneOf(draw) : null;
      return answer(draw, win, picked, requestId, true, turns, now);
    }
    await sleep(50);
  }
  throw new AppError(409, "draw_in_progress", "上一次抽奖仍在处理中，请稍后刷新");
}

async function answer(draw: StoredDraw, storedWin: StoredWin | null, none: PrizeAttrs | null, requestId: string, replayed: boolean, turns: { today: number | null; total: number | null }, now: Date): Promise<DrawOutcome> {
  const left = { today: turns.today, total: turns.total };
  if (!storedWin) {
    return { requestId, won: false, prize: none ? presentPublicPrize(none) : null, win: null, replayed, left, message: "谢谢参与，再接再厉！" };
  }
  const { win, cash } = await grantWin(storedWin, draw.name, now);
  const presented = presentPublicWin(win, cash);
  return { requestId, won: true, prize: presented.prize, win: presented, replayed, left, message: winMessage(win) };
}

function winMessage(win: StoredWin): string {
  switch (win.kind) {
    case "physical":
      return `恭喜您抽中「${win.prizeName}」！请填写收货地址`;
    case "cash":
      return `恭喜您抽中「${win.prizeName}」！请在微信中确认收款`;
    default:
      return win.status === "failed" ? `恭喜您抽中「${win.prizeName}」，但发放未成功：${win.failReason ?? ""}` : `恭喜您抽中「${win.prizeName}」！`;
  }
}
export { takeDraw };
