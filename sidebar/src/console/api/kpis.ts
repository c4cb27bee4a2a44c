import type { PresentedKpis } from "@server/presenters/kpis";
import { api, query } from "@shared/api";
import { consoleUrl } from "./base";

/** Membership KPIs for a period; `window` is the repurchase window in days, `storeId` one store (a manager's are always cut to theirs). */
export const fetchKpis = (params: { from?: string; to?: string; window?: number; storeId?: string }) => api.get<PresentedKpis>(consoleUrl(`/kpis${query(params)}`));
