// Shapes of the sidebar API: docs/sidebar-api.md, widened where the server's presenters
// (server/presenters/sidebarCustomer.ts, benefit.ts) answer more loosely than the document, so
// the page copes with either.

export interface AuthOptions {
  // null until the server is configured for a corp (development without WeCom).
  corpId: string | null;
  agentId: string | number | null;
  devLogin: boolean;
  standIn: boolean;
  bootstrap: boolean;
  wecomConfigured: boolean;
}

export interface Me {
  userId: string;
  name: string;
  role: string;
  storeIds: string[];
  devLogin: boolean;
}

export interface NamedTag {
  id: string;
  name: string;
  groupId: string;
  groupName: string;
}

export type Repurchase = "none" | "not_due" | "due" | "overdue";

export interface MemberSummary {
  memberNo: string;
  name: string;
  phone: string;
  level: { code: string; name: string; validUntil: string | null };
  growth: number;
  points: number;
  progress: {
    nextLevel: { code: string; name: string } | null;
    growthNeeded: number;
    spendNeededFen: number | null;
    ratio: number;
    hint: string;
  };
  metrics: {
    totalSpentFen: number;
    orderCount: number;
    averageOrderValueFen: number;
    lastPurchaseAt: string | null;
    predictedNextPurchaseAt: string | null;
    repurchase: Repurchase;
    purchasesInWindow: number;
    repurchaseWindowDays: number;
  };
}

export type BenefitStatus = "claimable" | "claimed" | "redeemed" | "expired" | "unavailable";

/** Where the member stands with a benefit, in the console presenter's words. */
export type BenefitState = "claimable" | "claimed_all" | "window_closed" | "not_yet" | "out_of_stock" | "no_birthday";

// The document gives `status`; the server's presenter gives `state` plus the member's claims.
// utils/benefits.ts turns either into one status for the page.
export interface CustomerBenefit {
  code: string;
  name: string;
  kind: string;
  status?: BenefitStatus;
  state?: BenefitState;
  valueFen?: number;
  claimWindow?: { start: string | null; end: string | null };
  claims?: { code: string; status: "claimed" | "redeemed" | "expired"; redeemBy: string; redeemedAt: string | null }[];
}

export interface CustomerOrder {
  channel: string;
  orderNo: string;
  amountFen: number;
  refundedFen: number;
  status: string;
  paidAt: string;
  storeId: string | null;
}

export interface CustomerNote {
  id: string;
  text: string;
  authorUserId: string;
  authorName: string;
  createdAt: string;
}

export interface CustomerProfile {
  customer: { externalUserId: string; name: string; avatar: string; type: number; corpName: string; gender: number };
  // null when someone above a guide looks at a customer they do not follow themselves.
  follow: { userId: string; remark: string; description: string; state: string; addWay: number; addedAt: string | null; tagIds: string[] } | null;
  channel: { state: string; name: string | null } | null;
  tags: NamedTag[];
  member: MemberSummary | null;
  benefits: CustomerBenefit[];
  orders: CustomerOrder[];
  groups: { chatId: string; name: string; memberCount: number }[];
  notes: CustomerNote[];
}

/** The answer to a tag edit: the ids the follow now has, and (from the server) those tags named. */
export interface TagEditResult {
  tagIds: string[];
  tags?: NamedTag[];
}

export interface TagGroup {
  groupId: string;
  groupName: string;
  tags: { id: string; name: string }[];
}

export interface GroupMember {
  externalUserId: string;
  name: string;
  joinScene: number | null;
  joinedAt: string | null;
  member: { memberNo: string; levelName: string } | null;
}

export interface GroupProfile {
  chatId: string;
  name: string;
  ownerId: string;
  ownerName: string;
  memberCount: number;
  customerCount?: number;
  joinScenes: Record<string, number>;
  // Only `null` is specified so far; anything else is shown as "linked" with its name if it has one.
  funnel: null | { name?: string; [key: string]: unknown };
  members: GroupMember[];
}

export type QuickReply =
  | { id: string; folderId: string | null; title: string; kind: "text"; content: { text: string } }
  | { id: string; folderId: string | null; title: string; kind: "image"; content: { mediaId: string; imageUrl: string } }
  | { id: string; folderId: string | null; title: string; kind: "link"; content: { url: string; title: string; desc: string; imgUrl: string } }
  | { id: string; folderId: string | null; title: string; kind: "miniprogram"; content: { appid: string; title: string; imgUrl: string; page: string } };

export interface QuickReplyFolder {
  id: string;
  name: string;
  count: number;
}

export interface DevContexts {
  customers: { externalUserId: string; name: string }[];
  groups: { chatId: string; name: string }[];
}
