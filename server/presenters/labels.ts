// The Chinese names of the codes the API answers with, for the server (exports, hints) and both
// front ends, which import this file by value. So it is plain data: type imports only, no Node,
// no mongoose (eslint.config.js holds it to that).
import type { Program } from "../domain/program.ts";
import type { CampaignGuideState, CampaignKind } from "../models/CampaignGuide.ts";
import type { DrawAuditKind } from "../models/DrawAudit.ts";
import type { Role } from "../models/Employee.ts";
import type { FollowStatus } from "../models/Follow.ts";
import type { QuickReplyKind } from "../models/QuickReply.ts";
import type { TagRuleTrigger } from "../models/TagRule.ts";
import type { PresentedBenefit } from "./benefit.ts";
import type { PresentedMember } from "./member.ts";

type BenefitKind = Program["benefits"][number]["kind"];
type ExpiryRule = Program["levelValidity"]["onExpiry"];
type RepurchaseWindow = Program["repurchaseWindowDays"];
type Repurchase = PresentedMember["metrics"]["repurchase"];

/** Sales and sign-up channels (orders' `channel`, members' `sourceChannel`); open-ended, so look up with {@link labelOf}. */
export const CHANNEL_LABELS: Record<string, string> = {
  store: "门店",
  tmall: "天猫",
  jd: "京东",
  douyin: "抖音",
  youzan: "有赞",
  miniprogram: "小程序",
  wecom: "企业微信",
  unknown: "未知",
};

/** Console roles, in the order pickers list them. */
export const ROLE_LABELS = { admin: "管理员", operator: "运营", manager: "店长", guide: "导购" } as const satisfies Record<Role, string>;
export const ROLES = Object.keys(ROLE_LABELS) as Role[];

/** WeCom member status (user/get `status`). */
export const EMPLOYEE_STATUS_LABELS: Record<string, string> = { "1": "已激活", "2": "已禁用", "4": "未激活", "5": "已退出" };

export const ORDER_STATUS_LABELS = { paid: "已支付", partially_refunded: "部分退款", refunded: "已退款" } as const;

/** A follow that ended, seen from the customer's side. */
export const FOLLOW_STATUS_LABELS = {
  active: "跟进中",
  deleted_by_customer: "客户已删除导购",
  deleted_by_employee: "导购已删除客户",
  transferred: "已转接",
} as const satisfies Record<FollowStatus, string>;

// Two scales reach us (wecom-reference §2.2, §4.6): groupchat/get says 1 direct invite, 2 invite
// link, 3 group QR; the change_external_chat callback says 0 invited (either way), 3 QR. The
// labels keep 0 apart from 1: 0 does not say whether the member pulled them in or sent a link.
export const JOIN_SCENE_LABELS: Record<string, string> = { "0": "成员邀请（拉入或链接）", "1": "成员直接拉入群", "2": "成员分享的入群链接", "3": "扫描群二维码" };

/** follow_user.add_way of externalcontact/get, shown when no channel code brought the customer. */
export const ADD_WAY_LABELS: Record<string, string> = {
  "0": "未知来源",
  "1": "扫描二维码",
  "2": "搜索手机号",
  "3": "名片分享",
  "4": "群聊",
  "5": "手机通讯录",
  "6": "微信联系人",
  "8": "安装第三方应用时添加",
  "9": "搜索邮箱",
  "10": "视频号添加",
  "11": "日程参与人",
  "12": "会议参与人",
  "13": "添加微信好友对应的企业微信",
  "14": "智慧硬件专属客服",
  "15": "上门服务客服",
  "16": "获客链接",
  "17": "定制开发",
  "18": "需求回复",
  "201": "内部成员共享",
  "202": "管理员/负责人分配",
};

/** Why growth or points changed (ledger `reason`); a points spend carries the operator's own words instead. */
export const LEDGER_REASON_LABELS: Record<string, string> = {
  order: "订单消费",
  refund: "订单退款",
  task: "完成任务",
  sign_in: "签到",
  level_expiry: "等级到期扣减",
  expiry: "积分过期",
  merge: "会员合并",
};

export const LEVEL_CHANGE_REASON_LABELS: Record<string, string> = { upgrade: "成长值升级", expiry: "等级到期" };

export const BENEFIT_KIND_LABELS = { coupon: "优惠券", gift: "礼品", service: "服务", birthday_gift: "生日礼" } as const satisfies Record<BenefitKind, string>;

/** Where a member stands with one benefit of their level. */
export const BENEFIT_STATE_LABELS = {
  claimable: "可领取",
  claimed_all: "本期已领取",
  window_closed: "已过领取期",
  not_yet: "尚未到领取时间",
  out_of_stock: "已领完",
  no_birthday: "未登记生日",
} as const satisfies Record<PresentedBenefit["state"], string>;

export const CLAIM_STATUS_LABELS = { claimed: "待核销", redeemed: "已核销", expired: "已过期" } as const satisfies Record<PresentedBenefit["claims"][number]["status"], string>;

export const REPURCHASE_LABELS = { none: "暂无复购预测", not_due: "未到复购期", due: "复购期内", overdue: "已过复购期" } as const satisfies Record<Repurchase, string>;

export const EXPIRY_RULE_LABELS = { keep: "保留当前等级", downgrade_one: "降一级", reevaluate: "按成长值重新评定" } as const satisfies Record<ExpiryRule, string>;

/** The repurchase windows a brand may choose, in days. */
export const REPURCHASE_WINDOW_LABELS = { 45: "45天", 90: "3个月", 180: "6个月", 365: "12个月" } as const satisfies Record<RepurchaseWindow, string>;
export const REPURCHASE_WINDOWS = Object.keys(REPURCHASE_WINDOW_LABELS).map(Number) as RepurchaseWindow[];

export const TAG_RULE_TRIGGER_LABELS = {
  channel_state: "渠道活码添加",
  group_join: "加入客户群",
  level: "会员等级",
  rfm: "RFM 分层",
} as const satisfies Record<TagRuleTrigger, string>;

export const QUICK_REPLY_KIND_LABELS = { text: "文本", image: "图片", link: "链接", miniprogram: "小程序" } as const satisfies Record<QuickReplyKind, string>;

/**
 * @param labels one of the maps above.
 * @param code a code as the API answers it (numbers are looked up as text).
 * @param fallback what to show for no code at all.
 * @returns its Chinese name, or the code itself when the map does not know it.
 */
export function labelOf(labels: Readonly<Record<string, string>>, code: string | number | null | undefined, fallback = "未知"): string {
  if (code === null || code === undefined || code === "") {
    return fallback;
  }
  return labels[String(code)] ?? String(code);
}

/** A cash prize's payout as the operator and the winner see it (server/presenters/cashTransfer.ts). */
export const CASH_TRANSFER_STATE_LABELS = {
  pending_confirm: "待确认",
  transferring: "转账中",
  paid: "已到账",
  failed: "失败",
  cancelled: "已取消",
  processing: "处理中",
} as const;

/** Lucky draws (server/domain/drawShapes.ts). */
export const DRAW_STATUS_LABELS = { draft: "草稿", active: "进行中", paused: "已暂停", ended: "已结束" } as const;
export const DRAW_STYLE_LABELS = { wheel: "大转盘", grid: "九宫格" } as const;
export const PRIZE_KIND_LABELS = { points: "积分", benefit: "会员权益", physical: "实物", cash: "现金红包", none: "谢谢参与" } as const;
/** Where a won prize stands (server/domain/drawShapes.ts FULFILMENT_STATUSES). */
export const FULFILMENT_LABELS = {
  granting: "发放中",
  awaiting_address: "待填地址",
  to_ship: "待发货",
  shipped: "已发货",
  signed: "已签收",
  granted: "已发放",
  failed: "发放失败",
  cash: "现金转账",
} as const;
/** A draw's audit lines (server/models/DrawAudit.ts DRAW_AUDIT_KINDS), as the 审计日志 tab names them. */
export const DRAW_AUDIT_KIND_LABELS = {
  draw: "抽奖",
  win: "中奖",
  stock: "库存",
  payout: "现金转账",
  fulfilment: "发货",
  grant: "发放",
  edit: "创建",
  status: "状态",
} as const satisfies Record<DrawAuditKind, string>;

/** The group bot's states (控制台 → 群机器人). */
export const BOT_STATE_LABELS = {
  not_configured: "未配置",
  starting: "启动中",
  waiting_scan: "等待扫码登录",
  logged_in: "已登录",
  logged_out: "已掉线",
  stopped: "已停止",
} as const;
/** What starts a bot rule, how a keyword matches, where a rule applies, what link it adds. */
export const BOT_TRIGGER_LABELS = { keyword: "关键词回复", join: "入群欢迎" } as const;
export const BOT_MATCH_LABELS = { exact: "完全匹配", contains: "包含" } as const;
export const BOT_SCOPE_LABELS = { all: "全部群", groups: "指定群", funnel: "群活码的群" } as const;
export const BOT_LINK_LABELS = { none: "不附链接", draw: "抽奖链接", funnel: "群活码链接" } as const;

/** A guide's part in a moment or mass message (CampaignGuide.state). */
export const CAMPAIGN_GUIDE_STATE_LABELS = { assigned: "未完成", done: "已完成", failed: "失败", cancelled: "已取消" } as const satisfies Record<CampaignGuideState, string>;

/** Campaign kinds. */
export const CAMPAIGN_KIND_LABELS = { moment: "朋友圈", mass: "群发" } as const satisfies Record<CampaignKind, string>;

/** A customer's (or group's) transfer as the manager sees it (server/presenters/transfer.ts, docs/transfers.md). */
export const TRANSFER_STATE_LABELS: Record<string, string> = {
  requested: "提交中",
  waiting: "等待接替",
  done: "已接替",
  customer_refused: "客户拒绝",
  takeover_full: "接替成员已满",
  failed: "失败",
};

export const TRANSFER_KIND_LABELS: Record<string, string> = { resigned: "离职继承", onjob: "在职转接" };
