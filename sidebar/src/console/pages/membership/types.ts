// Shapes the membership pages read from /api/console. They mirror the server's presenters and
// zod schemas (server/presenters/member.ts, benefit.ts, domain/program.ts, domain/segmentRule.ts,
// commands/kpiCalculator.ts, routes/console/tagRules.ts, segments.ts). They are copied rather than
// imported because the sidebar's tsconfig cannot type-check server files (their `.ts` imports
// need allowImportingTsExtensions). Money is in fen, times are ISO strings.

/** A level of the program. */
export interface Level {
  code: string;
  name: string;
  /** Lifetime growth needed to reach the level. */
  threshold: number;
}

export const BENEFIT_KINDS = ["coupon", "gift", "service", "birthday_gift"] as const;
export type BenefitKind = (typeof BENEFIT_KINDS)[number];

/** A benefit (权益) the program offers to some levels. */
export interface ProgramBenefit {
  code: string;
  name: string;
  kind: BenefitKind;
  levels: string[];
  claimWindowDays: number;
  perMember: number;
  /** Absent: unlimited. */
  stock?: number;
  redeemWithinDays: number;
  valueFen: number;
}

export const EXPIRY_RULES = ["keep", "downgrade_one", "reevaluate"] as const;
export type ExpiryRule = (typeof EXPIRY_RULES)[number];
export const REPURCHASE_WINDOWS = [45, 90, 180, 365] as const;
export type RepurchaseWindow = (typeof REPURCHASE_WINDOWS)[number];

/** The membership program (server/domain/program.ts). */
export interface Program {
  levels: Level[];
  growth: { perYuan: number; perTask: number; perSignIn: number };
  levelValidity: { months: number; onExpiry: ExpiryRule };
  points: { perYuan: number; perTask: number; expiryMonths: number };
  repurchaseWindowDays: RepurchaseWindow;
  benefits: ProgramBenefit[];
  rfm: { recencyDays: number[]; frequency: number[]; monetary: number[] };
}

/** `GET /program`: the program in force (version 0 = the default, never saved). */
export interface ProgramState {
  version: number;
  program: Program;
}

/** One saved version, from `GET /program/history`. */
export interface ProgramVersion {
  version: number;
  savedBy: string | null;
  savedAt: string;
  program: Program;
}

export type RepurchaseState = "none" | "not_due" | "due" | "overdue";

/** A member's profile (PresentedMember). */
export interface Member {
  id: string;
  memberNo: string;
  name: string;
  /** Masked: 138****0000. */
  phone: string;
  sourceChannel: string;
  level: { code: string; name: string; validUntil: string | null };
  growth: number;
  points: number;
  progress: { nextLevel: { code: string; name: string } | null; growthNeeded: number; spendNeededFen: number | null; ratio: number; hint: string };
  metrics: {
    totalSpentFen: number;
    orderCount: number;
    averageOrderValueFen: number;
    firstPurchaseAt: string | null;
    lastPurchaseAt: string | null;
    purchasesInWindow: number;
    repurchaseWindowDays: number;
    predictedNextPurchaseAt: string | null;
    repurchase: RepurchaseState;
    rfm: { r: number; f: number; m: number };
  };
  externalUserIds: string[];
  mergedInto: string | null;
}

/** A row of `GET /members`: the profile plus the home store. */
export interface ListedMember extends Member {
  homeStoreId?: string | null;
}

export type BenefitState = "claimable" | "claimed_all" | "window_closed" | "not_yet" | "out_of_stock" | "no_birthday";

/** One benefit of a member's level with the member's claims (PresentedBenefit). */
export interface MemberBenefit {
  code: string;
  name: string;
  kind: string;
  valueFen: number;
  state: BenefitState;
  claimWindow: { start: string | null; end: string | null };
  claims: { code: string; status: "claimed" | "redeemed" | "expired"; redeemBy: string; redeemedAt: string | null }[];
}

/** `GET /kpis` (rates 0–1, null when there is nothing to divide by). */
export interface Kpis {
  period: { from: string; to: string };
  memberShare: { orders: number | null; gmv: number | null; memberOrders: number; allOrders: number; memberGmvFen: number; allGmvFen: number };
  newMembersByChannel: { channel: string; count: number }[];
  repurchase: { windowDays: number; buyers: number; repeatBuyers: number; rate: number | null };
  upgrade: { members: number; upgraded: number; rate: number | null };
  benefits: { claims: number; redeemed: number; claimingMembers: number; eligibleMembers: number; claimRate: number | null; redemptionRate: number | null };
}

/** A corp tag group (mirrored from WeCom). */
export interface TagGroup {
  groupId: string;
  name: string;
  order: number;
  tags: { id: string; name: string; order: number }[];
}

export const TAG_RULE_TRIGGERS = ["channel_state", "group_join", "level", "rfm"] as const;
export type TagRuleTrigger = (typeof TAG_RULE_TRIGGERS)[number];

/** What a tag rule matches on; which keys count depends on the trigger. */
export interface TagRuleCondition {
  states?: string[];
  chatIds?: string[];
  levels?: string[];
  r?: number[];
  f?: number[];
  m?: number[];
}

/** An auto-tag rule. */
export interface TagRule {
  id: string;
  name: string;
  trigger: TagRuleTrigger;
  condition: TagRuleCondition;
  tagIds: string[];
  enabled: boolean;
}

/** The body of `POST /tag-rules` and `PUT /tag-rules/:id`. */
export type TagRuleBody = Omit<TagRule, "id">;

/** Why a rule tagged a customer. */
export interface TagReason {
  userId: string;
  tagId: string;
  ruleId: string;
  reason: string;
  at: string;
}

/** `GET /customers/:externalUserId` (PresentedCustomer). */
export interface Customer {
  externalUserId: string;
  name: string;
  avatar: string;
  gender: number;
  follows: { userId: string; remark: string; state: string; status: string; tagIds: string[]; addedAt: string | null; addWay: number }[];
}

/** A min/max range; either end may be open. */
export interface Range {
  min?: number;
  max?: number;
}

/** A segment (人群) rule: every condition optional, combined with AND. */
export interface SegmentRule {
  tags?: { any?: string[]; all?: string[]; none?: string[] };
  levels?: string[];
  minLevel?: string;
  points?: Range;
  rfm?: { r?: number[]; f?: number[]; m?: number[] };
  spentFen?: Range;
  lastPurchaseWithinDays?: number;
  noPurchaseForDays?: number;
  birthdayMonth?: number[];
  channels?: string[];
  stores?: string[];
  guides?: string[];
  groups?: string[];
}

/** A saved segment. */
export interface Segment {
  id: string;
  name: string;
  description: string;
  rule: SegmentRule;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  count: number | null;
  countedAt: string | null;
}

/** The body of `POST /segments` and `PUT /segments/:id`. */
export interface SegmentBody {
  name: string;
  description: string;
  rule: SegmentRule;
}

/** A store (department), from `GET /stores`. */
export interface Store {
  id: string;
  name: string;
  parentId: string | null;
  employeeCount: number;
}

/** An employee, from `GET /employees`. */
export interface Employee {
  userId: string;
  name: string;
  position: string;
  storeIds: string[];
  storeNames: string[];
  role: string;
  status: number | string;
}

export type OrderStatus = "paid" | "partially_refunded" | "refunded";

/** A row of `GET /members/:memberNo/orders` (routes/console/memberHistory.ts), newest first. */
export interface MemberOrder {
  channel: string;
  orderNo: string;
  amountFen: number;
  refundedFen: number;
  status: OrderStatus;
  paidAt: string;
  storeId: string | null;
  items: { sku?: string; name?: string; category?: string; quantity?: number; amount?: number }[];
}

export type LedgerAccount = "growth" | "points";

/** A row of `GET /members/:memberNo/ledger`: one change of growth or points, newest first. */
export interface LedgerEntry {
  account: LedgerAccount;
  delta: number;
  /** A code (order, refund, level_expiry, merge) or, for a spend, the operator's text. */
  reason: string;
  sourceId: string;
  at: string;
  /** When earned points expire (null: never). */
  expiresAt: string | null;
}

/** A change of the member's level (oldest first, as stored). */
export interface LevelChange {
  from: string | null;
  to: string;
  at: string;
  /** upgrade or expiry. */
  reason: string;
}

/** `GET /members/:memberNo/ledger`: a page of entries plus all the member's level changes. */
export interface LedgerPage {
  data: LedgerEntry[];
  pagination: { page: number; pageSize: number; total: number };
  levelChanges: LevelChange[];
}
