/** WeCom's refusals of a transfer, in the words the console shows (wecom-reference §3.4, §4.11). */
const REASONS: Record<number, string> = {
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

/** WeCom's errcode for a takeover at its customer cap: the outcome is takeover_full, not refused. */
export const TAKEOVER_FULL_ERRCODE = 40099;

/** WeCom's errcode when a customer is already being transferred (40129). */
export const ALREADY_TRANSFERRING_ERRCODE = 40129;

/**
 * @param errcode WeCom's errcode for one customer or the whole call.
 * @returns the reason in Chinese.
 */
export function transferRefusalReason(errcode: number): string {
  return REASONS[errcode] ?? `企业微信拒绝转接（错误码 ${errcode}）`;
}
