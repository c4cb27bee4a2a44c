// The lucky draw's public shapes (the draw page's API) live in server/domain/drawShapes.ts so the
// commands that build them stay below the presenters; the front ends import them from here.
import { chances } from "../domain/drawRules.ts";
import type { FulfilmentStatus, PrizeKind } from "../domain/drawShapes.ts";
import type { StoredDraw } from "../models/LuckyDraw.ts";
import { DRAW_STATUS_LABELS, DRAW_STYLE_LABELS, FULFILMENT_LABELS, PRIZE_KIND_LABELS } from "./labels.ts";
export type { DrawCashState, DrawOutcome, DrawPageState, DrawPageStatus, DrawsLeft, PublicDraw, PublicPrize, PublicWin } from "../domain/drawShapes.ts";

/** A prize in the console: what was set, its chance and what is left. */
export interface PresentedPrize {
  id: string;
  name: string;
  kind: PrizeKind;
  kindLabel: string;
  weight: number;
  /** Percent, two decimals. */
  chance: number;
  stock: number;
  stockLeft: number | null;
  points: number | null;
  benefitId: string | null;
  amountFen: number | null;
}

/** A lucky draw in the console. */
export interface PresentedDraw {
  id: string;
  slug: string;
  name: string;
  startsAt: string;
  endsAt: string;
  rules: string;
  style: StoredDraw["style"];
  styleLabel: string;
  status: StoredDraw["status"];
  statusLabel: string;
  eligibility: { levels: string[]; tagIds: string[]; segmentId: string | null; guideUserIds: string[]; funnelId: string | null };
  limits: { perDay: number | null; total: number | null; maxWins: number | null };
  prizes: PresentedPrize[];
  cashBudgetFen: number;
  budgetLeftFen: number | null;
  tagsOnJoin: string[];
  tagsOnWin: string[];
  /** Someone has drawn: the draw cannot be deleted and its slug is fixed. */
  hasDraws: boolean;
  /** The public page's path, `/draw/<slug>`. */
  pagePath: string;
  updatedAt: string;
}

/**
 * @param draw the stored draw.
 * @param left what is left per prize id and of the budget ("budget"), when read.
 * @returns the console's shape.
 */
export function presentDraw(draw: StoredDraw, left: Map<string, number> = new Map()): PresentedDraw {
  const odds = chances(draw.prizes);
  return {
    id: String(draw._id),
    slug: draw.slug,
    name: draw.name,
    startsAt: draw.startsAt.toISOString(),
    endsAt: draw.endsAt.toISOString(),
    rules: draw.rules ?? "",
    style: draw.style,
    styleLabel: DRAW_STYLE_LABELS[draw.style],
    status: draw.status,
    statusLabel: DRAW_STATUS_LABELS[draw.status],
    eligibility: {
      levels: draw.eligibility?.levels ?? [],
      tagIds: draw.eligibility?.tagIds ?? [],
      segmentId: draw.eligibility?.segmentId ?? null,
      guideUserIds: draw.eligibility?.guideUserIds ?? [],
      funnelId: draw.eligibility?.funnelId ?? null,
    },
    limits: { perDay: draw.limits?.perDay ?? null, total: draw.limits?.total ?? null, maxWins: draw.limits?.maxWins ?? null },
    prizes: draw.prizes.map((prize, index) => ({
      id: prize.id,
      name: prize.name,
      kind: prize.kind,
      kindLabel: PRIZE_KIND_LABELS[prize.kind],
      weight: prize.weight,
      chance: odds[index] ?? 0,
      stock: prize.stock ?? 0,
      stockLeft: prize.kind === "none" ? null : (left.get(prize.id) ?? null),
      points: prize.points ?? null,
      benefitId: prize.benefitId ?? null,
      amountFen: prize.amountFen ?? null,
    })),
    cashBudgetFen: draw.cashBudgetFen ?? 0,
    budgetLeftFen: left.get("budget") ?? null,
    tagsOnJoin: draw.tagsOnJoin ?? [],
    tagsOnWin: draw.tagsOnWin ?? [],
    hasDraws: Boolean(draw.firstDrawAt),
    pagePath: `/draw/${draw.slug}`,
    updatedAt: draw.updatedAt.toISOString(),
  };
}

/** The detail page's figures. */
export interface DrawStats {
  participants: number;
  draws: number;
  wins: number;
  perPrize: { prizeId: string; name: string; kind: PrizeKind; kindLabel: string; stock: number; left: number | null; wins: number }[];
  cash: { budgetFen: number; leftFen: number; paidFen: number; pendingFen: number; failedFen: number };
  /** Per China day (YYYY-MM-DD), oldest first. */
  daily: { day: string; draws: number; wins: number }[];
}

/** One winner in the console (no openid, the phone masked). */
export interface PresentedWinner {
  winId: string;
  prizeId: string;
  prizeName: string;
  kind: PrizeKind;
  kindLabel: string;
  /** The customer's or member's name; "微信用户" for someone known only by WeChat. */
  customerName: string;
  phoneMasked: string | null;
  region: string | null;
  status: FulfilmentStatus;
  /** For cash, the transfer's state (待确认, 已到账…). */
  statusLabel: string;
  /** done (signed, granted, paid), failed, or waiting on someone. */
  tone: "done" | "failed" | "waiting";
  failReason: string | null;
  trackingNo: string | null;
  carrier: string | null;
  points: number | null;
  amountFen: number | null;
  redeemCode: string | null;
  wonAt: string;
}

/**
 * @param status a fulfilment status.
 * @returns its Chinese name.
 */
export function fulfilmentLabel(status: FulfilmentStatus): string {
  return FULFILMENT_LABELS[status];
}

/** What presenting a winner reads from a stored win. */
export interface WinnerSource {
  _id: string;
  prizeId: string;
  prizeName: string;
  kind: PrizeKind;
  status: FulfilmentStatus;
  failReason?: string | null;
  trackingNo?: string | null;
  carrier?: string | null;
  points?: number | null;
  amountFen?: number | null;
  redeemCode?: string | null;
  address?: { phoneMasked: string; region: string } | null;
  wonAt: Date;
}

// A cash win's own status stays "granted" once the payout is asked for; whether it is done is
// the transfer's state.
function winnerTone(win: WinnerSource, cashState: string | null): PresentedWinner["tone"] {
  if (win.kind === "cash") {
    return cashState === "paid" ? "done" : cashState === "failed" || cashState === "cancelled" || win.status === "failed" ? "failed" : "waiting";
  }
  return win.status === "failed" ? "failed" : win.status === "signed" || win.status === "granted" ? "done" : "waiting";
}

/**
 * @param win the stored win.
 * @param customerName the winner's name as the console shows it.
 * @param cash a cash win's transfer state, when known.
 * @returns the console's row.
 */
export function presentWinner(win: WinnerSource, customerName: string, cash: { state: string; stateLabel: string } | null): PresentedWinner {
  return {
    winId: win._id,
    prizeId: win.prizeId,
    prizeName: win.prizeName,
    kind: win.kind,
    kindLabel: PRIZE_KIND_LABELS[win.kind],
    customerName,
    phoneMasked: win.address?.phoneMasked ?? null,
    region: win.address?.region ?? null,
    status: win.status,
    statusLabel: win.kind === "cash" ? (cash?.stateLabel ?? "处理中") : FULFILMENT_LABELS[win.status],
    tone: winnerTone(win, cash?.state ?? null),
    failReason: win.failReason ?? null,
    trackingNo: win.trackingNo ?? null,
    carrier: win.carrier ?? null,
    points: win.points ?? null,
    amountFen: win.amountFen ?? null,
    redeemCode: win.redeemCode ?? null,
    wonAt: win.wonAt.toISOString(),
  };
}

/** What `GET /draw/<slug>/api/wx-config` answers: `wx.config`'s fields for this draw's page (§8.3). */
export interface PublicWxConfig {
  appId: string;
  timestamp: number;
  nonceStr: string;
  signature: string;
  jsApiList: string[];
}
