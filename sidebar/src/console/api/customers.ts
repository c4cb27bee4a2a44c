// WeCom customers, customer groups and the customers guides lost (客户, 客户群, 流失记录).
import type { ListedCustomer, PresentedCustomerDetail } from "@server/presenters/customer";
import type { ListedGroup, PresentedGroup, PresentedGroupDay } from "@server/presenters/group";
import type { PresentedLoss } from "@server/presenters/loss";
import { api, query } from "@shared/api";
import { consoleUrl, segment, type PageQuery } from "./base";

/** What the customer list filters by; empty values are left out. */
export type CustomerFilters = {
  q?: string;
  guide?: string;
  storeId?: string;
  tagId?: string;
  state?: string;
  addedFrom?: string;
  addedTo?: string;
  member?: "" | "yes" | "no";
  status?: string;
};

/** Customers with their follows, filtered and paged. */
export const fetchCustomers = (params: PageQuery & CustomerFilters) => api.paged<ListedCustomer>(consoleUrl(`/customers${query(params)}`));

/** One customer's page: follows, tags, groups, member, notes and timeline. */
export const fetchCustomerDetail = (externalUserId: string) => api.get<PresentedCustomerDetail>(consoleUrl(`/customers/${segment(externalUserId)}`));

/** Customer groups, filtered and paged. */
export const fetchGroups = (params: PageQuery & { q?: string; owner?: string; storeId?: string; status?: string }) => api.paged<ListedGroup>(consoleUrl(`/groups${query(params)}`));

/** One group with its members. */
export const fetchGroup = (chatId: string) => api.get<PresentedGroup>(consoleUrl(`/groups/${segment(chatId)}`));

/** Joins and leaves of a group per China day (the last 30 days by default). */
export const fetchGroupDaily = (chatId: string, range: { from?: string; to?: string } = {}) => api.get<PresentedGroupDay[]>(consoleUrl(`/groups/${segment(chatId)}/daily${query(range)}`));

/** What the loss list filters by. */
export type LossFilters = { guide?: string; storeId?: string; state?: string; from?: string; to?: string };

/** Customers who deleted a guide, newest first. */
export const fetchLosses = (params: PageQuery & LossFilters) => api.paged<PresentedLoss>(consoleUrl(`/losses${query(params)}`));

/** The Excel download of the losses the filters select (all of them, not one page). */
export const lossExportUrl = (filters: LossFilters) => consoleUrl(`/losses/export${query(filters)}`);
