// The lucky draw's vocabulary and the shapes its public API answers with. Kept in the domain so
// models, commands and presenters can all use them without crossing layers
// (server/presenters/draw.ts re-exports the shapes for the front ends).

export const DRAW_STYLES = ["wheel", "grid"] as const;
export type DrawStyle = (typeof DRAW_STYLES)[number];
export const DRAW_STATUSES = ["draft", "active", "paused", "ended"] as const;
export type DrawStatus = (typeof DRAW_STATUSES)[number];
export const PRIZE_KINDS = ["points", "benefit", "physical", "cash", "none"] as const;
export type PrizeKind = (typeof PRIZE_KINDS)[number];
/**
 * Where a win's prize stands.
 * physical: awaiting_address → to_ship (待发货) → shipped (已发货, tracking number) → signed (已签收);
 * points / benefit: granting (recorded, not yet posted) → granted (已发放) or failed (with the
 * reason); cash: cash (the payout's transfer holds the state).
 */
export const FULFILMENT_STATUSES = ["granting", "awaiting_address", "to_ship", "shipped", "signed", "granted", "failed", "cash"] as const;
export type FulfilmentStatus = (typeof FULFILMENT_STATUSES)[number];

/**
 * A cash win's transfer as the page shows it: the payout's CashTransferView
 * (server/presenters/cashTransfer.ts), written out so the domain does not import a presenter.
 */
export interface DrawCashState {
  winId: string;
  state: "pending_confirm" | "transferring" | "paid" | "failed" | "cancelled" | "processing";
  stateLabel: string;
  failReason?: string;
  packageInfo?: string;
  mchId?: string;
  appId?: string;
  confirmBefore?: string;
}

/** A prize as a participant sees it: no weight, no stock. */
export interface PublicPrize {
  id: string;
  name: string;
  kind: PrizeKind;
  kindLabel: string;
  points: number | null;
  amountFen: number | null;
}

/** A draw as its public page shows it. */
export interface PublicDraw {
  slug: string;
  name: string;
  rules: string;
  style: DrawStyle;
  status: DrawStatus;
  /** ISO times. */
  startsAt: string;
  endsAt: string;
  /** Every prize including "thanks for taking part", in the order the wheel / grid shows them. */
  prizes: PublicPrize[];
  limits: { perDay: number | null; total: number | null; maxWins: number | null };
}

/** One of my wins on the page. */
export interface PublicWin {
  winId: string;
  prize: PublicPrize;
  /** ISO. */
  wonAt: string;
  status: FulfilmentStatus;
  statusLabel: string;
  failReason: string | null;
  /** Physical prizes: the address form must be filled while this is true. */
  needsAddress: boolean;
  address: { name: string; phoneMasked: string; region: string; detail: string } | null;
  trackingNo: string | null;
  carrier: string | null;
  /** A benefit's redemption code. */
  redeemCode: string | null;
  /** Cash: the transfer's state (null until asked for, or for other kinds). */
  cash: DrawCashState | null;
}

/** How many draws are left; null where there is no such limit. */
export interface DrawsLeft {
  today: number | null;
  total: number | null;
}

/** The answer to one draw. */
export interface DrawOutcome {
  requestId: string;
  /** False: "thanks for taking part". */
  won: boolean;
  /** Where the animation lands: the prize won, or the "none" prize (null if the draw has none). */
  prize: PublicPrize | null;
  win: PublicWin | null;
  /** A retried request answered from the record, without drawing again. */
  replayed: boolean;
  left: DrawsLeft;
  /** What to tell the participant, in Chinese. */
  message: string;
}

export type DrawPageStatus = "open" | "not_started" | "ended" | "paused" | "not_eligible" | "no_draws_left" | "sold_out" | "unknown_participant";

/** Everything the draw page needs in one read. */
export interface DrawPageState {
  draw: PublicDraw;
  status: DrawPageStatus;
  /** Why the participant cannot draw now, in plain Chinese; null when they can. */
  reason: string | null;
  canDraw: boolean;
  left: DrawsLeft;
  wins: PublicWin[];
}
