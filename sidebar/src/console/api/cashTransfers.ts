// Cash prizes' WeChat Pay transfers (现金奖励发放): the list, whether WeChat Pay is configured, and the retry.
import type { CashTransferRow, CashTransferState, CashTransferView } from "@server/presenters/cashTransfer";
import { api, query } from "@shared/api";
import { consoleUrl, segment, type PageQuery } from "./base";

/** Transfers, newest first, filtered by state and draw. */
export const fetchCashTransfers = (params: PageQuery & { state?: CashTransferState | ""; drawId?: string }) => api.paged<CashTransferRow>(consoleUrl(`/cash-transfers${query(params)}`));

/** Whether WeChat Pay is configured (cash prizes need it). */
export const fetchCashTransferStatus = () => api.get<{ configured: boolean }>(consoleUrl("/cash-transfers/status"));

/** Open a new attempt for a failed or cancelled transfer. */
export const retryCashTransfer = (winId: string) => api.post<CashTransferView>(consoleUrl(`/cash-transfers/${segment(winId)}/retry`), {});
