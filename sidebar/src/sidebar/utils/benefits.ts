import type { BenefitState, BenefitStatus, CustomerBenefit } from "../api/types";

/** What the guide needs to know about one benefit. */
export interface BenefitView {
  status: BenefitStatus;
  /** Why it cannot be claimed, or until when a claimed one must be redeemed. */
  note: string;
  redeemBy: string | null;
}

const STATE_REASON: Record<BenefitState, string> = {
  claimable: "",
  claimed_all: "本期权益已领取",
  window_closed: "已过领取期",
  not_yet: "尚未到领取时间",
  out_of_stock: "权益已领完",
  no_birthday: "会员未登记生日",
};

/**
 * One status for a benefit, whether the server sent the document's `status` or the presenter's
 * `state` with claims. An open claim matters most: the customer holds a code to redeem.
 *
 * @param benefit the benefit as answered.
 * @returns status, note and redeem-by date.
 */
export function benefitView(benefit: CustomerBenefit): BenefitView {
  const open = benefit.claims?.find((claim) => claim.status === "claimed");
  if (open) {
    return { status: "claimed", note: "", redeemBy: open.redeemBy };
  }
  if (benefit.status) {
    return { status: benefit.status, note: "", redeemBy: null };
  }
  const state = benefit.state ?? "not_yet";
  if (state === "claimable") {
    return { status: "claimable", note: "", redeemBy: null };
  }
  if (benefit.claims?.some((claim) => claim.status === "redeemed")) {
    return { status: "redeemed", note: "", redeemBy: null };
  }
  if (benefit.claims?.some((claim) => claim.status === "expired")) {
    return { status: "expired", note: "", redeemBy: null };
  }
  return { status: "unavailable", note: STATE_REASON[state] ?? "", redeemBy: null };
}
