import type { DrawParticipant } from "../../domain/drawParticipant.ts";
import type { DrawOutcome, DrawPageState } from "../../presenters/draw.ts";
import type { CashTransferView } from "../../presenters/cashTransfer.ts";

/** The address a winner of a physical prize gives. */
export interface WinAddress {
  name: string;
  phone: string;
  region: string;
  detail: string;
}

/** What the public draw routes call: D-core's draw commands and D-pay's payout reader (issue 12's contract). */
export interface DrawCore {
  readDrawPage(props: { slug: string; participant: DrawParticipant | null; now: Date }): Promise<DrawPageState>;
  takeDraw(props: { slug: string; participant: DrawParticipant; requestId: string; now: Date }): Promise<DrawOutcome>;
  submitWinAddress(props: { winId: string; participant: DrawParticipant; address: WinAddress; now: Date }): Promise<unknown>;
  cashTransferForWin(winId: string): Promise<CashTransferView | null>;
}

let loaded: Promise<DrawCore> | null = null;

/**
 * The draw commands, loaded on first use. The modules are named by variable so this file builds
 * while the commands land in parallel (issue 12 is built by four engineers); the lead replaces
 * this with static imports once all of them are in.
 *
 * @returns the commands.
 */
export function drawCore(): Promise<DrawCore> {
  loaded ??= (async () => {
    const paths = ["../../commands/drawPageReader.ts", "../../commands/drawTaker.ts", "../../commands/drawAddress.ts", "../../commands/cashPayout.ts"];
    const [reader, taker, address, cash] = (await Promise.all(paths.map((path) => import(path)))) as [
      { readDrawPage: DrawCore["readDrawPage"] },
      { takeDraw: DrawCore["takeDraw"] },
      { submitWinAddress: DrawCore["submitWinAddress"] },
      { cashTransferForWin: DrawCore["cashTransferForWin"] },
    ];
    return { readDrawPage: reader.readDrawPage, takeDraw: taker.takeDraw, submitWinAddress: address.submitWinAddress, cashTransferForWin: cash.cashTransferForWin };
  })();
  loaded.catch(() => {
    loaded = null;
  });
  return loaded;
}
