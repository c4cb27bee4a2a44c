// The lucky draw's public shapes (the draw page's API) live in server/domain/drawShapes.ts so the
// commands that build them stay below the presenters; the front ends import them from here.
export type { DrawCashState, DrawOutcome, DrawPageState, DrawPageStatus, DrawsLeft, PublicDraw, PublicPrize, PublicWin } from "../domain/drawShapes.ts";
