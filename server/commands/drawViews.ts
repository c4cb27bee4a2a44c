import type { DrawCashState, DrawStatus, DrawStyle, FulfilmentStatus, PrizeKind, PublicDraw, PublicPrize, PublicWin } from "../domain/drawShapes.ts";
import { FULFILMENT_LABELS, PRIZE_KIND_LABELS } from "../presenters/labels.ts";

/** What presenting a prize needs. */
interface PrizeLike {
  id: string;
  name: string;
  kind: PrizeKind;
  points?: number | null;
  amountFen?: number | null;
}

/**
 * @param prize a stored prize.
 * @returns the participant's view of it.
 */
export function presentPublicPrize(prize: PrizeLike): PublicPrize {
  return { id: prize.id, name: prize.name, kind: prize.kind, kindLabel: PRIZE_KIND_LABELS[prize.kind], points: prize.points ?? null, amountFen: prize.amountFen ?? null };
}

/**
 * @param draw a stored draw.
 * @returns its public view.
 */
export function presentPublicDraw(draw: {
  slug: string;
  name: string;
  rules?: string | null;
  style: DrawStyle;
  status: DrawStatus;
  startsAt: Date;
  endsAt: Date;
  prizes: PrizeLike[];
  limits?: { perDay?: number | null; total?: number | null; maxWins?: number | null } | null;
}): PublicDraw {
  return {
    slug: draw.slug,
    name: draw.name,
    rules: draw.rules ?? "",
    style: draw.style,
    status: draw.status,
    startsAt: draw.startsAt.toISOString(),
    endsAt: draw.endsAt.toISOString(),
    prizes: draw.prizes.map(presentPublicPrize),
    limits: { perDay: draw.limits?.perDay ?? null, total: draw.limits?.total ?? null, maxWins: draw.limits?.maxWins ?? null },
  };
}

/** What presenting a win needs. */
export interface WinLike extends Omit<PrizeLike, "id" | "name"> {
  _id: string;
  prizeId: string;
  prizeName: string;
  status: FulfilmentStatus;
  failReason?: string | null;
  redeemCode?: string | null;
  trackingNo?: string | null;
  carrier?: string | null;
  address?: { name: string; phoneMasked: string; region: string; detail: string } | null;
  wonAt: Date;
}

/**
 * @param win a stored win.
 * @param cash its transfer, for cash wins.
 * @returns the participant's view of it.
 */
export function presentPublicWin(win: WinLike, cash: DrawCashState | null = null): PublicWin {
  return {
    winId: win._id,
    prize: presentPublicPrize({ id: win.prizeId, name: win.prizeName, kind: win.kind, points: win.points ?? null, amountFen: win.amountFen ?? null }),
    wonAt: win.wonAt.toISOString(),
    status: win.status,
    statusLabel: win.kind === "cash" && cash ? cash.stateLabel : FULFILMENT_LABELS[win.status],
    failReason: win.failReason ?? null,
    needsAddress: win.status === "awaiting_address",
    address: win.address ? { name: win.address.name, phoneMasked: win.address.phoneMasked, region: win.address.region, detail: win.address.detail } : null,
    trackingNo: win.trackingNo ?? null,
    carrier: win.carrier ?? null,
    redeemCode: win.redeemCode ?? null,
    cash,
  };
}
