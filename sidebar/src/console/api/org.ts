// The organisation: stores (WeCom departments), employees and their console roles.
import type { PresentedEmployee } from "@server/presenters/employee";
import type { PresentedStore } from "@server/presenters/store";
import type { Role } from "@server/presenters/session";
import { api, query } from "@shared/api";
import { consoleUrl, segment, type PageQuery } from "./base";

/** Stores (departments), for filters and pickers. */
export const fetchStores = () => api.get<PresentedStore[]>(consoleUrl("/stores"));

/** Employees, searched by name or account and filtered by store, role and owning a customer group. */
export const fetchEmployees = (params: PageQuery & { q?: string; storeId?: string; role?: Role | ""; groupOwners?: "true" }) => api.paged<PresentedEmployee>(consoleUrl(`/employees${query(params)}`));

/** Read the directory from WeCom again. */
export const syncDirectory = () => api.post<{ departments: number; employees: number }>(consoleUrl("/directory/sync"));

/** Give an employee a console role (a manager with the stores they run). */
export const setRole = (userId: string, body: { role: Role; scopeStoreIds: string[] }) => api.put<PresentedEmployee>(consoleUrl(`/employees/${segment(userId)}/role`), body);
