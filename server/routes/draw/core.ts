// The commands the public draw routes call, in one place: the draw commands and the payouts'
// payout reader (issue 12's contract).
export { readDrawPage } from "../../commands/drawPageReader.ts";
export { takeDraw } from "../../commands/drawTaker.ts";
export { submitWinAddress, type WinAddress } from "../../commands/drawAddress.ts";
export { cashTransferForWin } from "../../commands/cashPayout.ts";
