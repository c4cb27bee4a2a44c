import type { PresentedBenefit } from "@server/presenters/benefit";
import { BENEFIT_STATE_LABELS } from "@server/presenters/labels";

/** What the guide sees of a benefit: one status, in the order that matters at the counter. */
export type BenefitStatus = "claimable" | "claimed" | "redeemed" | "expired" | "unavailable";

/** What the guide needs to know about one benefit. */
export interface BenefitView {
  status: BenefitStatus;
  /** Why it cannot be claimed. */
  note: string;
  /** Until when a claimed one must be redeemed. */
  redeemBy: string | null;
}

/**
 * One status for a benefit. An open claim matters most: the customer holds a code to redeem.
 *
 * @param benefit the benefit as the server presents it.
 * @returns status, note and redeem-by date.
 */
export function benefitView(benefit: PresentedBenefit): BenefitView {
  const open = benefit.claims.find((claim) => claim.status === "claimed");
  if (open) {
    return { status: "claimed", note: "", redeemBy: open.redeemBy };
  }
  if (benefit.state === "claimable") {
    return { status: "claimable", note: "", redeemBy: null };
  }
  if (benefit.claims.some((claim) => claim.status === "redeemed")) {
    return { status: "redeemed", note: "", redeemBy: null };
  }
  if (benefit.claims.some((claim) => claim.status === "expired")) {
    return { status: "expired", note: "", redeemBy: null };
  }
  return { status: "unavailable", note: BENEFIT_STATE_LABELS[benefit.state], redeemBy: null };
}
