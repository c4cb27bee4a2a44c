/** The membership KPIs on the console home. Money in fen; rates 0–1 (null: nothing to divide by). */
export interface PresentedKpis {
  period: { from: string; to: string };
  /** The stores the figures are cut to; null for the whole brand. */
  storeIds: string[] | null;
  memberShare: { orders: number | null; gmv: number | null; memberOrders: number; allOrders: number; memberGmvFen: number; allGmvFen: number };
  newMembersByChannel: { channel: string; count: number }[];
  repurchase: { windowDays: number; buyers: number; repeatBuyers: number; rate: number | null };
  upgrade: { members: number; upgraded: number; rate: number | null };
  benefits: { claims: number; redeemed: number; claimingMembers: number; eligibleMembers: number; claimRate: number | null; redemptionRate: number | null };
}

/**
 * @param kpis what kpiCalculator computed (its period as times).
 * @returns the public shape.
 */
export function presentKpis(kpis: Omit<PresentedKpis, "period"> & { period: { from: Date; to: Date } }): PresentedKpis {
  return {
    period: { from: kpis.period.from.toISOString(), to: kpis.period.to.toISOString() },
    storeIds: kpis.storeIds ? [...kpis.storeIds] : null,
    memberShare: { ...kpis.memberShare },
    newMembersByChannel: kpis.newMembersByChannel.map((row) => ({ channel: row.channel, count: row.count })),
    repurchase: { ...kpis.repurchase },
    upgrade: { ...kpis.upgrade },
    benefits: { ...kpis.benefits },
  };
}
