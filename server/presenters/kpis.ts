import type { MembershipKpis } from "../domain/kpis.ts";

/** The membership KPIs as the console reads them: times as ISO strings. */
export type PresentedKpis = Omit<MembershipKpis, "period"> & { period: { from: string; to: string } };

/**
 * @param kpis what kpiCalculator computed (its period as times).
 * @returns the public shape.
 */
export function presentKpis(kpis: MembershipKpis): PresentedKpis {
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
