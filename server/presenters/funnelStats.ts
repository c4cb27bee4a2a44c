import type { FunnelStatAttrs } from "../models/FunnelStat.ts";
import { retention } from "../domain/statFigures.ts";

/** A funnel's group figures over some days. */
export interface FunnelStatFigures {
  /** Customers who joined by scanning the funnel's QR. */
  joins: number;
  /** Customers who left the funnel's groups. */
  leaves: number;
  /** Share of the due cohorts' scan joins still in the group 7 days later; null while none is due. */
  retention7: number | null;
}

/** One day of a funnel. */
export interface PresentedFunnelDayStats extends FunnelStatFigures {
  day: string;
  /** Landing page views and new visitors that day. */
  visits: number;
  visitors: number;
}

/** One group of a funnel's pool over the range, with its members now. */
export interface PresentedFunnelGroupStats extends FunnelStatFigures {
  key: string;
  chatId: string | null;
  name: string;
  kind: "wecom" | "image";
  memberCount: number;
  dismissed: boolean;
}

/** What `GET /funnels/:id/stats` answers. */
export interface PresentedFunnelStats {
  funnelId: string;
  name: string;
  from: string;
  to: string;
  /** Landing page visits and unique visitors since the funnel was made. */
  visits: number;
  visitors: number;
  /** The same within the range (a browser counts as a new visitor on its first visit only). */
  rangeVisits: number;
  rangeVisitors: number;
  /** Members of the pool's groups now. */
  membersNow: number;
  totals: FunnelStatFigures;
  /** Every day of the range (days without events read 0), for the charts. */
  byDay: PresentedFunnelDayStats[];
  groups: PresentedFunnelGroupStats[];
}

type Counter = Pick<FunnelStatAttrs, "day" | "joins" | "leaves" | "lost7">;

/**
 * Add up a funnel's day counters; retention counts only the cohorts whose 7 days are over.
 *
 * @param counters the counters.
 * @param today today's China day number.
 * @returns the figures.
 */
export function funnelStatFigures(counters: Counter[], today: number): FunnelStatFigures {
  return {
    joins: counters.reduce((sum, counter) => sum + counter.joins, 0),
    leaves: counters.reduce((sum, counter) => sum + counter.leaves, 0),
    retention7: retention(counters.map((counter) => ({ day: counter.day, adds: counter.joins, lost: counter.lost7 })), 7, today),
  };
}
