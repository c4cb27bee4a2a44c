import type { BenefitStatus } from "../domain/benefits.ts";

export interface PresentedBenefit {
  code: string;
  name: string;
  kind: string;
  valueFen: number;
  state: BenefitStatus["state"];
  claimWindow: { start: string | null; end: string | null };
  claims: { code: string; status: "claimed" | "redeemed" | "expired"; redeemBy: string; redeemedAt: string | null }[];
}

/**
 * One benefit of the member's level, with its window and the member's claims.
 *
 * @param status what benefitStatuses computed.
 * @returns the public shape.
 */
export function presentBenefitStatus(status: BenefitStatus): PresentedBenefit {
  return {
    code: status.benefit.code,
    name: status.benefit.name,
    kind: status.benefit.kind,
    valueFen: status.benefit.valueFen,
    state: status.state,
    claimWindow: { start: status.windowStart?.toISOString() ?? null, end: status.windowEnd?.toISOString() ?? null },
    claims: status.claims.map((claim) => ({
      code: claim.code,
      status: claim.status,
      redeemBy: claim.redeemBy.toISOString(),
      redeemedAt: claim.redeemedAt ? claim.redeemedAt.toISOString() : null,
    })),
  };
}
