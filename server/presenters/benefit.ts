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

/** A benefit claimed for a member: the code to redeem, and by when. */
export interface PresentedBenefitClaim {
  benefitCode: string;
  code: string;
  redeemBy: string;
}

/**
 * @param benefitCode the benefit claimed.
 * @param claimed what benefitClaimer issued.
 * @returns the public shape.
 */
export function presentBenefitClaim(benefitCode: string, claimed: { code: string; redeemBy: Date }): PresentedBenefitClaim {
  return { benefitCode, code: claimed.code, redeemBy: claimed.redeemBy.toISOString() };
}

/** A redemption (核销): which benefit of which member, and when. */
export interface PresentedRedemption {
  code: string;
  benefitCode: string;
  memberNo: string | null;
  redeemedAt: string;
}

/**
 * The one answer of a redemption, in the console and the sidebar alike.
 *
 * @param parts the code, what benefitRedeemer answered, the member's number and the time.
 * @returns the public shape.
 */
export function presentRedemption(parts: { code: string; benefitCode: string; memberNo: string | null | undefined; at: Date }): PresentedRedemption {
  return { code: parts.code, benefitCode: parts.benefitCode, memberNo: parts.memberNo ?? null, redeemedAt: parts.at.toISOString() };
}
