// Members: the list, one member's profile and history, benefits, points, and the WeCom customers behind them.
import type { PresentedBenefit, PresentedBenefitClaim, PresentedRedemption } from "@server/presenters/benefit";
import type { PresentedCustomerDetail } from "@server/presenters/customer";
import type { PresentedLedgerEntry, PresentedLevelChange } from "@server/presenters/ledger";
import type { ListedMember, PresentedMember, PresentedPointsBalance } from "@server/presenters/member";
import type { PresentedOrder } from "@server/presenters/order";
import type { PresentedTagReason } from "@server/presenters/tagRule";
import { api, query, type Paged } from "@shared/api";
import { consoleUrl, segment, type PageQuery } from "./base";


/** Members, searched by name / member number / phone, a level and a store. */
export const fetchMembers = (params: PageQuery & { q?: string; levelCode?: string; storeId?: string }) => api.paged<ListedMember>(consoleUrl(`/members${query(params)}`));

/** One member's profile. */
export const fetchMember = (memberNo: string) => api.get<PresentedMember>(consoleUrl(`/members/${segment(memberNo)}`));

/** The member's orders, newest first. */
export const fetchMemberOrders = (memberNo: string, params: PageQuery) => api.paged<PresentedOrder>(consoleUrl(`/members/${segment(memberNo)}/orders${query(params)}`));

/** A page of growth or points changes, and every level change of the member. */
export interface LedgerPage extends Paged<PresentedLedgerEntry> {
  levelChanges: PresentedLevelChange[];
}

/** The member's growth or points changes, newest first, with all the member's level changes. */
export async function fetchMemberLedger(memberNo: string, params: PageQuery & { account?: PresentedLedgerEntry["account"] }): Promise<LedgerPage> {
  const answer = await api.answer<PresentedLedgerEntry[], { levelChanges: PresentedLevelChange[] }>(consoleUrl(`/members/${segment(memberNo)}/ledger${query(params)}`));
  return {
    data: answer.data,
    pagination: answer.pagination ?? { page: 1, pageSize: answer.data.length, total: answer.data.length },
    levelChanges: answer.levelChanges ?? [],
  };
}

/** The benefits of the member's level and the member's claims. */
export const fetchMemberBenefits = (memberNo: string) => api.get<PresentedBenefit[]>(consoleUrl(`/members/${segment(memberNo)}/benefits`));

/** Claim a benefit for the member; answers the redemption code. */
export const claimBenefit = (memberNo: string, benefitCode: string) =>
  api.post<PresentedBenefitClaim>(consoleUrl(`/members/${segment(memberNo)}/benefits/${segment(benefitCode)}/claim`));

/** Redeem (核销) a claimed benefit by its 10-character code. */
export const redeemBenefit = (code: string, storeId?: string) => api.post<PresentedRedemption>(consoleUrl("/benefits/redeem"), storeId ? { code, storeId } : { code });

/** Spend points; the request id makes a retry harmless. */
export const spendPoints = (memberNo: string, body: { amount: number; requestId: string; reason: string }) =>
  api.post<PresentedPointsBalance>(consoleUrl(`/members/${segment(memberNo)}/points/spend`), body);

/** A WeCom customer with the follows (guides) and their tags. */
export const fetchCustomer = (externalUserId: string) => api.get<PresentedCustomerDetail>(consoleUrl(`/customers/${segment(externalUserId)}`));

/** Why rules tagged a customer. */
export const fetchTagReasons = (externalUserId: string) => api.get<PresentedTagReason[]>(consoleUrl(`/customers/${segment(externalUserId)}/tag-reasons`));
