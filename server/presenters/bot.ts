import type { BotRuleAttrs } from "../models/BotRule.ts";
import type { BotStatusAttrs } from "../models/BotStatus.ts";
import type { Types } from "mongoose";

/** The bot's status as the console shows it. */
export interface BotStatusView {
  state: "not_configured" | "starting" | "waiting_scan" | "logged_in" | "logged_out" | "stopped";
  puppet: string | null;
  userName: string | null;
  logoutReason: string | null;
  lastError: string | null;
  lastErrorAt: string | null;
  /** The text a QR is drawn from while waiting for a scan. */
  qrcode: string | null;
  since: string | null;
}

/** The status as `GET /bot/status` answers it: with the login QR as an image while waiting. */
export type BotStatusAnswer = BotStatusView & { qrImage: string | null };

/** A draw the rule editor can link to. */
export interface BotDrawOption {
  slug: string;
  name: string;
  status: string;
}

/**
 * @param status the stored status, or null when no bot ever ran.
 * @returns the view.
 */
export function presentBotStatus(status: BotStatusAttrs | null): BotStatusView {
  if (!status) {
    return { state: "not_configured", puppet: null, userName: null, logoutReason: null, lastError: null, lastErrorAt: null, qrcode: null, since: null };
  }
  return {
    state: status.state,
    puppet: status.puppet ?? null,
    userName: status.userName ?? null,
    logoutReason: status.logoutReason ?? null,
    lastError: status.lastError ?? null,
    lastErrorAt: status.lastErrorAt?.toISOString() ?? null,
    qrcode: status.state === "waiting_scan" ? (status.qrcode ?? null) : null,
    since: status.since.toISOString(),
  };
}

/** One keyword or welcome rule in the console. */
export interface BotRuleView {
  id: string;
  name: string;
  enabled: boolean;
  trigger: "keyword" | "join";
  keyword: string;
  match: "exact" | "contains";
  scope: "all" | "groups" | "funnel";
  chatIds: string[];
  funnelId: string | null;
  replyText: string;
  link: "none" | "draw" | "funnel";
  drawSlug: string | null;
  linkFunnelId: string | null;
  mention: boolean;
  tagIds: string[];
  cooldownSeconds: number;
  updatedAt: string;
}

/**
 * @param rule a stored rule.
 * @returns the view.
 */
export function presentBotRule(rule: BotRuleAttrs & { _id: Types.ObjectId; updatedAt: Date }): BotRuleView {
  return {
    id: String(rule._id),
    name: rule.name,
    enabled: rule.enabled,
    trigger: rule.trigger,
    keyword: rule.keyword,
    match: rule.match,
    scope: rule.scope,
    chatIds: rule.chatIds,
    funnelId: rule.funnelId ? String(rule.funnelId) : null,
    replyText: rule.replyText,
    link: rule.link,
    drawSlug: rule.drawSlug ?? null,
    linkFunnelId: rule.linkFunnelId ? String(rule.linkFunnelId) : null,
    mention: rule.mention,
    tagIds: rule.tagIds,
    cooldownSeconds: rule.cooldownSeconds,
    updatedAt: rule.updatedAt.toISOString(),
  };
}
