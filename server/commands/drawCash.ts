import type { DrawCashState } from "../domain/drawShapes.ts";
import { cashTransfersForWins, requestCashPayout, wechatPayConfigured } from "./cashPayout.ts";

// The draw's only doorway to the payouts (server/commands/cashPayout.ts), so the draw code
// depends on the contract's three calls and nothing else of WeChat Pay.

/** @returns whether WeChat Pay is configured (cash prizes may be created). */
export function cashConfigured(): boolean {
  return wechatPayConfigured();
}

/**
 * Ask for the payout of a cash win; idempotent by win id on its side, and it never throws for WeChat
 * Pay being down (the state is then "processing" and its job retries).
 *
 * @param props the win, whom to pay, how much.
 * @returns the transfer's state, or null when WeChat Pay is not configured.
 */
export async function payCashWin(props: { winId: string; drawId: string; openid: string; externalUserId?: string | undefined; amountFen: number; remark: string; activityName: string; rewardDescription: string; now: Date }): Promise<DrawCashState | null> {
  if (!wechatPayConfigured()) {
    return null;
  }
  return requestCashPayout(props);
}

/**
 * @param winIds cash wins.
 * @param now the clock.
 * @returns their transfers by win id.
 */
export async function cashStates(winIds: string[], now: Date = new Date()): Promise<Map<string, DrawCashState>> {
  return winIds.length === 0 ? new Map() : cashTransfersForWins(winIds, now);
}
