import type { ChannelCodeStatAttrs } from "../models/ChannelCodeStat.ts";
import { retention } from "../domain/statFigures.ts";
import type { PresentedChannelCodeDay } from "./channelCode.ts";

/** How the console cuts a code's figures. */
export const CODE_STAT_GROUPINGS = ["day", "guide", "store"] as const;
export type CodeStatGrouping = (typeof CODE_STAT_GROUPINGS)[number];

/** A code's figures over some days (one day, a guide, a store, a whole code). */
export interface CodeStatFigures {
  adds: number;
  deletedByCustomer: number;
  deletedByGuide: number;
  /** Adds minus both kinds of deletion. */
  net: number;
  /** Share of the due cohorts' adds still following 7 / 30 days later; null while none is due. */
  retention7: number | null;
  retention30: number | null;
}

/** One row of a breakdown: a day (key = the date), a guide (user id) or a store (department id). */
export interface PresentedCodeStatRow extends CodeStatFigures {
  key: string;
  /** The date, the guide's name or the store's name, as people read it. */
  label: string;
}

/** What `GET /channel-codes/:id/stats` answers. */
export interface PresentedChannelCodeStats {
  codeId: string;
  name: string;
  from: string;
  to: string;
  groupBy: CodeStatGrouping;
  /** Every day of the range (days without events read 0), for the charts. */
  byDay: PresentedCodeStatRow[];
  /** The breakdown asked for by groupBy. */
  rows: PresentedCodeStatRow[];
  totals: CodeStatFigures;
  /** Adds per guide per day, as the first version of this answer had them. */
  days: PresentedChannelCodeDay[];
  /** Adds over the range. */
  total: number;
}

/** One code's totals in the overview (`GET /channel-codes/stats`). */
export interface PresentedCodeStatOverviewRow extends CodeStatFigures {
  codeId: string;
  name: string;
  channel: string;
}

/** What `GET /channel-codes/stats` answers. */
export interface PresentedCodeStatOverview {
  from: string;
  to: string;
  codes: PresentedCodeStatOverviewRow[];
  totals: CodeStatFigures;
}

type Counter = Pick<ChannelCodeStatAttrs, "day" | "adds" | "deletedByCustomer" | "deletedByGuide" | "lost7" | "lost30">;

/**
 * Add up day counters into figures; retention counts only the cohorts whose 7 / 30 days are over.
 *
 * @param counters the counters (any code, guide, store or day).
 * @param today today's China day number.
 * @returns the figures.
 */
export function codeStatFigures(counters: Counter[], today: number): CodeStatFigures {
  const sum = (field: "adds" | "deletedByCustomer" | "deletedByGuide") => counters.reduce((total, counter) => total + counter[field], 0);
  const adds = sum("adds");
  const deletedByCustomer = sum("deletedByCustomer");
  const deletedByGuide = sum("deletedByGuide");
  return {
    adds,
    deletedByCustomer,
    deletedByGuide,
    net: adds - deletedByCustomer - deletedByGuide,
    retention7: retention(counters.map((counter) => ({ day: counter.day, adds: counter.adds, lost: counter.lost7 })), 7, today),
    retention30: retention(counters.map((counter) => ({ day: counter.day, adds: counter.adds, lost: counter.lost30 })), 30, today),
  };
}
