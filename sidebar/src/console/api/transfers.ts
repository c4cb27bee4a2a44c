// 离职继承 / 在职转接: departed guides and their waiting customers, takeover guides, starting
// transfers, outcomes per customer and their retry, customer groups (docs/transfers.md).
import type { PresentedDepartedGuide, PresentedOwnedGroup, PresentedTakeoverGuide, PresentedTransfer, PresentedUnassigned } from "@server/presenters/transfer";
import { api, query } from "@shared/api";
import { consoleUrl, segment, type PageQuery } from "./base";

export type TransferKind = "resigned" | "onjob";
/** One customer to move; takeoverUserId null: the next guide of the handover guide's store, in turn. */
export type TransferItem = { externalUserId: string; handoverUserId: string; takeoverUserId: string | null };
export type TransferOutcomeFilters = { state?: string; subject?: string; kind?: string; handoverUserId?: string };

export const fetchDepartedGuides = (params: PageQuery & { storeId?: string }) => api.paged<PresentedDepartedGuide>(consoleUrl(`/transfers/departed${query(params)}`));
export const fetchUnassigned = (params: PageQuery & { storeId?: string; handoverUserId?: string; q?: string }) => api.paged<PresentedUnassigned>(consoleUrl(`/transfers/unassigned${query(params)}`));
/** The handover guide's store's guides who may take over (active, with customer contact). */
export const fetchTakeoverGuides = (handoverUserId: string) => api.get<PresentedTakeoverGuide[]>(consoleUrl(`/transfers/candidates${query({ handoverUserId })}`));
export const fetchOwnedGroups = (handoverUserId: string) => api.get<PresentedOwnedGroup[]>(consoleUrl(`/transfers/groups${query({ handoverUserId })}`));
export const startTransfers = (body: { kind: TransferKind; items: TransferItem[]; transferSuccessMsg?: string }) => api.post<{ ids: string[]; accepted: number; refused: number }>(consoleUrl("/transfers"), body);
export const transferGroups = (body: { kind: TransferKind; handoverUserId: string; takeoverUserId: string; chatIds: string[] }) => api.post<{ done: number; refused: number }>(consoleUrl("/transfers/groups"), body);
export const fetchTransfers = (params: PageQuery & TransferOutcomeFilters) => api.paged<PresentedTransfer>(consoleUrl(`/transfers${query(params)}`));
export const retryTransfer = (id: string, takeoverUserId: string | null) => api.post<{ accepted: number; refused: number }>(consoleUrl(`/transfers/${segment(id)}/retry`), { takeoverUserId });
/** 同步待分配: WeCom's unassigned customers and resigned guides' groups now. */
export const syncUnassigned = () => api.post<{ listed: number; groups: number; removed: number; guides: number }>(consoleUrl("/transfers/unassigned/sync"));
/** 查询结果: WeCom's transfer results now. */
export const refreshTransfers = () => api.post<{ pairs: number; finished: number; pending: number }>(consoleUrl("/transfers/refresh"));
