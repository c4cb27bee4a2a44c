// What a customer transfer's outcome means to the manager who started it: WeCom's refusal in words,
// and whether trying again can help. Shared by the commands and the presenter (the states' words
// are in presenters/labels.ts).

/** WeCom's refusals of a transfer (wecom-reference §3.4, §4.11). */
const REASONS: Record<number, string> = {
  [-1]: "企业微信繁忙，请稍后重试",
  40096: "客户 ID 无效",
  40097: "原导购尚未离职",
  40098: "接替导购未实名认证",
  40099: "接替导购的客户数已达上限",
  40100: "该客户已在转接中",
  40128: "该客户 90 天内已转接两次",
  40129: "该客户正在转接中",
  40130: "接替导购与原导购相同",
  40131: "原导购不是该客户的跟进人",
  84061: "原导购与该客户已不是好友",
  84074: "接替导购没有客户联系权限",
};

/** WeCom's errcode for a takeover at its customer cap: the outcome is takeover_full. */
export const TAKEOVER_FULL_ERRCODE = 40099;

/** WeCom's errcodes when a customer is already being transferred (a resend after a lost answer lands here). */
export const ALREADY_TRANSFERRING_ERRCODES: readonly number[] = [40100, 40129];

/** The on-job limit's errcode (twice in 90 days per customer). */
export const ONJOB_LIMIT_ERRCODE = 40128;

// Refusals another attempt cannot change: the limit runs for 90 days, the customer or the pair is
// wrong, the guide is still employed (离职继承) or no longer a follower.
const FINAL_REFUSALS = new Set([40096, 40097, 40128, 40130, 40131, 84061]);

/**
 * @param errcode WeCom's errcode for one customer or the whole call.
 * @returns the reason in Chinese.
 */
export function transferRefusalReason(errcode: number): string {
  return REASONS[errcode] ?? `企业微信拒绝转接（错误码 ${errcode}）`;
}

/**
 * @param transfer the outcome: state, WeCom's errcode and whether it is a group.
 * @returns whether another attempt (maybe to another guide) can succeed.
 */
export function transferRetryable(transfer: { state: string; errcode?: number | null; subject?: string | null }): boolean {
  if (transfer.subject === "group") {
    return false;
  }
  if (transfer.state === "customer_refused" || transfer.state === "takeover_full") {
    return true;
  }
  return transfer.state === "failed" && !FINAL_REFUSALS.has(transfer.errcode ?? 0);
}
