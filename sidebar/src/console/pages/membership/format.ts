// Display helpers and the Chinese labels of the membership pages.
import { ApiError } from "@shared/api";
import type { BenefitKind, BenefitState, ExpiryRule, OrderStatus, RepurchaseState, TagRuleTrigger } from "./types";

/**
 * @param fen an amount in fen.
 * @returns "¥1,234" or "¥1,234.50".
 */
export function yuan(fen: number | null | undefined): string {
  if (fen === null || fen === undefined) {
    return "—";
  }
  const value = fen / 100;
  return `¥${value.toLocaleString("zh-CN", { minimumFractionDigits: fen % 100 === 0 ? 0 : 2, maximumFractionDigits: 2 })}`;
}

/**
 * @param rate a rate 0–1, or null when there was nothing to divide by.
 * @returns "12.3%" or "—".
 */
export function percent(rate: number | null | undefined): string {
  return rate === null || rate === undefined ? "—" : `${(rate * 100).toFixed(1)}%`;
}

/**
 * @param value a count.
 * @returns the count with thousands separators.
 */
export const count = (value: number) => value.toLocaleString("zh-CN");

const pad = (value: number) => String(value).padStart(2, "0");

/**
 * @param iso an ISO time or null.
 * @returns "2025-03-01" in local time, or "—".
 */
export function day(iso: string | null | undefined): string {
  if (!iso) {
    return "—";
  }
  const date = new Date(iso);
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/**
 * @param iso an ISO time or null.
 * @returns "2025-03-01 14:05" in local time, or "—".
 */
export function dateTime(iso: string | null | undefined): string {
  if (!iso) {
    return "—";
  }
  const date = new Date(iso);
  return `${day(iso)} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

// The server's 404 messages are "<thing> not found"; these are the ones these pages can meet.
const NOT_FOUND: Record<string, string> = {
  "member not found": "未找到该会员",
  "segment not found": "未找到该人群，可能已被删除",
  "tag rule not found": "未找到该规则，可能已被删除",
  "tag not found": "未找到该标签，可能已被删除",
  "benefit not found": "未找到该权益",
  "customer not found": "未找到该客户",
  "redemption code not found": "核销码不存在",
  "code: redemption code not found": "核销码不存在",
};

/**
 * @param error anything thrown by an API call.
 * @returns the message to show (the server's, which names the field on 400).
 */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    return error.status === 404 ? (NOT_FOUND[error.message] ?? error.message) : error.message;
  }
  return error instanceof Error ? error.message : "操作失败，请重试";
}

/** Channel codes (orders' and members' source channel) in Chinese. */
export const CHANNEL_LABELS: Record<string, string> = {
  tmall: "天猫",
  jd: "京东",
  douyin: "抖音",
  miniprogram: "小程序",
  store: "门店",
  wecom: "企业微信",
  unknown: "未知",
};

/**
 * @param code a channel code.
 * @returns its Chinese name, or the code itself.
 */
export const channelLabel = (code: string | null | undefined) => (code ? (CHANNEL_LABELS[code] ?? code) : "未知");

export const REPURCHASE_LABELS: Record<RepurchaseState, { text: string; type: "info" | "success" | "warning" | "danger" }> = {
  none: { text: "暂无复购预测", type: "info" },
  not_due: { text: "未到复购期", type: "success" },
  due: { text: "复购期内", type: "warning" },
  overdue: { text: "已过复购期", type: "danger" },
};

export const BENEFIT_KIND_LABELS: Record<BenefitKind, string> = {
  coupon: "优惠券",
  gift: "礼品",
  service: "服务",
  birthday_gift: "生日礼",
};

/**
 * @param kind a benefit kind.
 * @returns its Chinese name.
 */
export const benefitKindLabel = (kind: string) => BENEFIT_KIND_LABELS[kind as BenefitKind] ?? kind;

export const BENEFIT_STATE_LABELS: Record<BenefitState, { text: string; type: "success" | "info" | "warning" | "danger" }> = {
  claimable: { text: "可领取", type: "success" },
  claimed_all: { text: "本期已领取", type: "info" },
  window_closed: { text: "已过领取期", type: "info" },
  not_yet: { text: "尚未到领取时间", type: "warning" },
  out_of_stock: { text: "已领完", type: "danger" },
  no_birthday: { text: "未登记生日", type: "warning" },
};

export const CLAIM_STATUS_LABELS: Record<"claimed" | "redeemed" | "expired", { text: string; type: "warning" | "success" | "info" }> = {
  claimed: { text: "待核销", type: "warning" },
  redeemed: { text: "已核销", type: "success" },
  expired: { text: "已过期", type: "info" },
};

export const EXPIRY_RULE_LABELS: Record<ExpiryRule, string> = {
  keep: "保留当前等级",
  downgrade_one: "降一级",
  reevaluate: "按成长值重新评定",
};

export const WINDOW_LABELS: Record<number, string> = { 45: "45天", 90: "3个月", 180: "6个月", 365: "12个月" };

export const TRIGGER_LABELS: Record<TagRuleTrigger, string> = {
  channel_state: "渠道活码添加",
  group_join: "加入客户群",
  level: "会员等级",
  rfm: "RFM 分层",
};

export const ORDER_STATUS_LABELS: Record<OrderStatus, { text: string; type: "success" | "warning" | "info" }> = {
  paid: { text: "已支付", type: "success" },
  partially_refunded: { text: "部分退款", type: "warning" },
  refunded: { text: "已退款", type: "info" },
};

/**
 * @param status an order status.
 * @returns its Chinese label and tag type (the raw code for an unknown one).
 */
export const orderStatusLabel = (status: string) => ORDER_STATUS_LABELS[status as OrderStatus] ?? { text: status, type: "info" as const };

// The reason codes the server writes to the ledger (commands/orderRecorder.ts, pointsSpender.ts,
// levelEvaluator.ts, memberMerger.ts). A points spend carries the operator's own text instead.
export const LEDGER_REASON_LABELS: Record<string, string> = {
  order: "订单消费",
  task: "完成任务",
  sign_in: "签到",
  refund: "订单退款",
  level_expiry: "等级到期扣减",
  expiry: "积分过期",
  merge: "会员合并",
};

/**
 * @param reason a ledger entry's reason.
 * @returns its Chinese name, or the text itself.
 */
export const ledgerReasonLabel = (reason: string) => LEDGER_REASON_LABELS[reason] ?? reason;

export const LEVEL_CHANGE_REASON_LABELS: Record<string, string> = {
  upgrade: "成长值升级",
  expiry: "等级到期",
};

/**
 * @param value a change of a balance.
 * @returns "+120", "-30" or "0", with thousands separators.
 */
export const signed = (value: number) => (value > 0 ? `+${count(value)}` : count(value));
