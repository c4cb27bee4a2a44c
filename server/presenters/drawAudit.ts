// A draw's audit lines (审计日志) as the console reads them: a Chinese label per kind, who did it
// (an employee by name, a participant only by the short hash the audit keeps) and the detail as one
// short sentence. The audit's `detail` is free-form per kind (server/commands/drawAuditor.ts
// callers), so every field is read defensively: an older or unexpected line still shows its label.
import type { DrawCashState, FulfilmentStatus, PrizeKind } from "../domain/drawShapes.ts";
import type { DrawAuditKind } from "../models/DrawAudit.ts";
import { CASH_TRANSFER_STATE_LABELS, DRAW_AUDIT_KIND_LABELS, DRAW_STATUS_LABELS, FULFILMENT_LABELS, labelOf } from "./labels.ts";

/** One audit line in the console. */
export interface PresentedDrawAudit {
  id: string;
  /** ISO. */
  at: string;
  kind: DrawAuditKind;
  kindLabel: string;
  actorKind: "employee" | "participant" | "system";
  /** The employee's name, 参与者 with the short hash, or 系统. */
  actorName: string;
  /** The participant's short hash (never the key itself), when the line has one. */
  participant: string | null;
  winId: string | null;
  /** What happened, e.g. 抽中 保温杯, 保温杯 库存 -1, 转账失败：原因. */
  text: string;
  /** A grant or payout that failed: the console shows it in red. */
  failed: boolean;
}

/** What presenting a line reads from a stored one. */
export interface DrawAuditSource {
  _id: unknown;
  kind: DrawAuditKind;
  actor: string;
  participantKeyHash?: string | null;
  winId?: string | null;
  detail?: unknown;
  at: Date;
}

/** Names the lines refer to by id: the draw's prizes and the employees who acted. */
export interface DrawAuditNames {
  prizes: ReadonlyMap<string, { name: string; kind: PrizeKind }>;
  employees: ReadonlyMap<string, string>;
}

/** Eight hex characters tell one person's draws apart within a draw and fit a phone's width. */
const SHORT_HASH = 8;
const BUDGET_KEY = "budget";

const MISS_LABELS: Record<string, string> = {
  not_member: "未绑定会员",
  no_openid: "未取得微信身份",
  max_wins: "已达中奖上限",
  sold_out: "库存已抽完",
  budget: "现金预算不足",
  interrupted: "抽奖中断",
};

const STATUS_VERBS: Record<string, string> = { active: "开始活动", paused: "暂停活动", ended: "结束活动" };

type Detail = Record<string, unknown>;
const text = (value: unknown): string | null => (typeof value === "string" && value !== "" ? value : null);
const number = (value: unknown): number | null => (typeof value === "number" && Number.isFinite(value) ? value : null);
const yuan = (fen: number) => `¥${(Math.abs(fen) / 100).toFixed(2)}`;
const signed = (delta: number) => (delta < 0 ? `-${Math.abs(delta)}` : `+${delta}`);
const signedYuan = (fen: number) => `${fen < 0 ? "-" : "+"}${yuan(fen)}`;

function prizeName(names: DrawAuditNames, id: unknown): string {
  const key = text(id);
  return (key ? names.prizes.get(key)?.name : null) ?? "已删除的奖品";
}

function drawText(detail: Detail, names: DrawAuditNames): string {
  if (text(detail.prizeId)) {
    return `抽中 ${prizeName(names, detail.prizeId)}`;
  }
  const picked = text(detail.picked);
  const miss = text(detail.missReason);
  if (picked && miss) {
    return `抽到 ${prizeName(names, picked)}，${labelOf(MISS_LABELS, miss)}，记为谢谢参与`;
  }
  return "谢谢参与";
}

function winText(detail: Detail, names: DrawAuditNames): string {
  const name = prizeName(names, detail.prizeId);
  const points = number(detail.points);
  const amountFen = number(detail.amountFen);
  if (detail.kind === "points" && points) {
    return `中奖 ${name}（${points} 积分）`;
  }
  return detail.kind === "cash" && amountFen ? `中奖 ${name}（${yuan(amountFen)}）` : `中奖 ${name}`;
}

function stockText(detail: Detail, names: DrawAuditNames): string {
  if (detail.action === "update") {
    const moves = Object.entries((detail.moves ?? {}) as Record<string, unknown>).filter(([, delta]) => number(delta));
    const parts = moves.map(([key, delta]) => (key === BUDGET_KEY ? `预算 ${signedYuan(delta as number)}` : `${prizeName(names, key)} 库存 ${signed(delta as number)}`));
    return parts.length > 0 ? `修改活动：${parts.join("，")}` : "修改活动，库存与预算未变";
  }
  const delta = number(detail.delta) ?? 0;
  const budget = number(detail.budgetDeltaFen);
  return `${prizeName(names, detail.prizeId)} 库存 ${signed(delta)}${budget ? `，预算 ${signedYuan(budget)}` : ""}`;
}

function editText(detail: Detail, names: DrawAuditNames): string {
  const prizes = Array.isArray(detail.prizes) ? (detail.prizes as Detail[]) : [];
  const parts = prizes.filter((prize) => names.prizes.get(String(prize.id))?.kind !== "none").map((prize) => `${prizeName(names, prize.id)} 库存 ${number(prize.stock) ?? 0}`);
  const budget = number(detail.cashBudgetFen);
  return ["创建活动", [...parts, ...(budget ? [`预算 ${yuan(budget)}`] : [])].join("，")].filter(Boolean).join("：");
}

function statusText(detail: Detail): string {
  const from = labelOf(DRAW_STATUS_LABELS, text(detail.from));
  const to = labelOf(DRAW_STATUS_LABELS, text(detail.to));
  const verb = detail.to === "active" && detail.from === "paused" ? "恢复活动" : labelOf(STATUS_VERBS, text(detail.to), "修改状态");
  return `${verb}（${from} → ${to}）`;
}

function grantText(detail: Detail): string {
  if (detail.status === "failed") {
    return `发放失败${text(detail.failReason) ? `：${text(detail.failReason)}` : ""}`;
  }
  const points = number(detail.points);
  return detail.kind === "points" && points ? `已发放 ${points} 积分` : detail.kind === "benefit" ? "已发放会员权益" : "已发放";
}

function payoutText(detail: Detail): string {
  const state = text(detail.state) as DrawCashState["state"] | null;
  const amountFen = number(detail.amountFen);
  if (detail.action === "retry") {
    return `重新发起转账${amountFen ? ` ${yuan(amountFen)}` : ""}`;
  }
  if (state === "failed") {
    return `转账失败：${text(detail.failReason) ?? "原因未知"}`;
  }
  if (detail.action === "settled" && state) {
    return `转账${labelOf(CASH_TRANSFER_STATE_LABELS, state)}${amountFen ? ` ${yuan(amountFen)}` : ""}`;
  }
  return `发起转账${amountFen ? ` ${yuan(amountFen)}` : ""}${state ? `（${labelOf(CASH_TRANSFER_STATE_LABELS, state)}）` : ""}`;
}

function fulfilmentText(detail: Detail): string {
  if (detail.address === "submitted") {
    return "中奖者填写了收货地址";
  }
  const trackingNo = text(detail.trackingNo);
  const status = text(detail.status) as FulfilmentStatus | null;
  return `${labelOf(FULFILMENT_LABELS, status)}${status === "shipped" && trackingNo ? `，单号 ${trackingNo}` : ""}`;
}

function detailText(kind: DrawAuditKind, detail: Detail, names: DrawAuditNames): string {
  switch (kind) {
    case "draw":
      return drawText(detail, names);
    case "win":
      return winText(detail, names);
    case "stock":
      return stockText(detail, names);
    case "edit":
      return editText(detail, names);
    case "status":
      return statusText(detail);
    case "grant":
      return grantText(detail);
    case "payout":
      return payoutText(detail);
    case "fulfilment":
      return fulfilmentText(detail);
    default:
      return labelOf(DRAW_AUDIT_KIND_LABELS, kind);
  }
}

/**
 * @param line the stored audit line.
 * @param names the draw's prizes and the acting employees' names.
 * @returns the console's row.
 */
export function presentDrawAudit(line: DrawAuditSource, names: DrawAuditNames): PresentedDrawAudit {
  const participant = line.participantKeyHash ? line.participantKeyHash.slice(0, SHORT_HASH) : null;
  const actorKind = line.actor === "participant" ? "participant" : line.actor === "system" ? "system" : "employee";
  const actorName = actorKind === "participant" ? (participant ? `参与者 ${participant}` : "参与者") : actorKind === "system" ? "系统" : (names.employees.get(line.actor) || line.actor);
  const detail = line.detail && typeof line.detail === "object" ? (line.detail as Detail) : {};
  return {
    id: String(line._id),
    at: line.at.toISOString(),
    kind: line.kind,
    kindLabel: labelOf(DRAW_AUDIT_KIND_LABELS, line.kind),
    actorKind,
    actorName,
    participant,
    winId: line.winId ?? null,
    text: detailText(line.kind, detail, names),
    failed: (line.kind === "grant" && detail.status === "failed") || (line.kind === "payout" && detail.state === "failed"),
  };
}
