import type { Types } from "mongoose";
import { AppError } from "../errors.ts";
import { getLogger } from "../logging/logger.ts";
import { DrawWin, type StoredWin } from "../models/DrawWin.ts";
import { Member } from "../models/Member.ts";
import type { DrawCashState } from "../domain/drawShapes.ts";
import benefitClaimer from "./benefitClaimer.ts";
import { audit } from "./drawAuditor.ts";
import { payCashWin } from "./drawCash.ts";
import ledgerPoster from "./ledgerPoster.ts";
import { currentProgram } from "./programStore.ts";

const log = getLogger("processor");

/**
 * Hand over what a recorded win grants: points through the ledger (the win is the unique
 * source, so a retry posts nothing twice), a benefit through the benefit claimer (its level,
 * window, quantity and stock rules apply; a refusal is kept as the reason), cash through the payouts'
 * payout (idempotent by win id). Physical prizes wait for an address. Only a win still
 * "granting" is granted, and the status moves by a conditional update, so two retries cannot
 * both claim a benefit.
 *
 * @param win the stored win.
 * @param drawName the campaign's name (ledger reason, payout remark).
 * @param now the clock.
 * @returns the win afterwards, and a cash win's transfer state.
 */
export async function grantWin(win: StoredWin, drawName: string, now: Date): Promise<{ win: StoredWin; cash: DrawCashState | null }> {
  if (win.kind === "cash") {
    return { win, cash: await requestPayout(win, drawName, now) };
  }
  if (win.status !== "granting") {
    return { win, cash: null };
  }
  let outcome: { status: "granted" | "failed"; failReason: string | null; redeemCode: string | null };
  try {
    outcome = await grant(win, drawName, now);
  } catch (error) {
    // A refusal (benefit out of stock, not at the level) is the win's answer; anything else is
    // kept as a failure for the operator, never swallowed silently.
    const reason = error instanceof AppError ? error.message.replace(/^\w+: /, "") : "发放出错，请联系客服";
    if (!(error instanceof AppError)) {
      log.error({ err: error, winId: win._id }, "draw prize grant failed");
    }
    outcome = { status: "failed", failReason: reason, redeemCode: null };
  }
  const updated = await DrawWin.findOneAndUpdate(
    { _id: win._id, status: "granting" },
    { $set: { ...outcome, statusAt: now } },
    { returnDocument: "after", lean: true },
  );
  if (updated) {
    await audit({ drawId: win.drawId, kind: "grant", actor: "system", winId: win._id, detail: { kind: win.kind, status: outcome.status, failReason: outcome.failReason, points: win.points ?? null, benefitId: win.benefitId ?? null }, at: now });
  }
  return { win: (updated ?? (await DrawWin.findById(win._id).lean()) ?? win) as StoredWin, cash: null };
}

async function grant(win: StoredWin, drawName: string, now: Date): Promise<{ status: "granted" | "failed"; failReason: string | null; redeemCode: string | null }> {
  if (!win.memberId) {
    return { status: "failed", failReason: "未绑定会员，无法发放", redeemCode: null };
  }
  if (win.kind === "points") {
    await ledgerPoster({ account: "points", memberId: win.memberId as Types.ObjectId, delta: win.points ?? 0, reason: `抽奖「${drawName}」中奖`, sourceId: `draw-win:${win._id}`, now });
    return { status: "granted", failReason: null, redeemCode: null };
  }
  const member = await Member.findById(win.memberId, { levelCode: 1, levelChanges: 1, birthday: 1, joinedAt: 1 }).lean();
  if (!member) {
    return { status: "failed", failReason: "会员不存在", redeemCode: null };
  }
  const { program } = await currentProgram();
  const claimed = await benefitClaimer({ member, benefitCode: win.benefitId ?? "", program, now });
  return { status: "granted", failReason: null, redeemCode: claimed.code };
}

async function requestPayout(win: StoredWin, drawName: string, now: Date): Promise<DrawCashState | null> {
  if (!win.openid || !win.amountFen) {
    return null;
  }
  const cash = await payCashWin({
    winId: win._id,
    drawId: String(win.drawId),
    openid: win.openid,
    // The transfer list names the customer from it (otherwise 微信用户).
    externalUserId: win.externalUserId ?? undefined,
    amountFen: win.amountFen,
    remark: `${drawName}中奖`.slice(0, 32),
    activityName: drawName.slice(0, 32),
    rewardDescription: win.prizeName.slice(0, 32),
    now,
  });
  if (cash) {
    await audit({ drawId: win.drawId, kind: "payout", actor: "system", winId: win._id, detail: { amountFen: win.amountFen, state: cash.state, failReason: cash.failReason ?? null }, at: now });
  }
  return cash;
}
