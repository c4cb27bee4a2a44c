/** The membership KPIs on the console home, for a period. Money in fen; rates 0–1 (null: nothing to divide by). */
export interface MembershipKpis {
  period: { from: Date; to: Date };
  /** The stores the figures are cut to; null for the whole brand. */
  storeIds: string[] | null;
  memberShare: { orders: number | null; gmv: number | null; memberOrders: number; allOrders: number; memberGmvFen: number; allGmvFen: number };
  newMembersByChannel: { channel: string; count: number }[];
  repurchase: { windowDays: number; buyers: number; repeatBuyers: number; rate: number | null };
  upgrade: { members: number; upgraded: number; rate: number | null };
  benefits: { claims: number; redeemed: number; claimingMembers: number; eligibleMembers: number; claimRate: number | null; redemptionRate: number | null };
}
