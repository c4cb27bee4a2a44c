// The draw page's calls: its own JSON API under /draw/<slug>/api/ (same origin, the participant
// cookie rides along), through the one shared request helper.
import { api } from "@shared/api";
import type { CashTransferView } from "@server/presenters/cashTransfer";
import type { DrawOutcome, DrawPageState, PublicWxConfig } from "@server/presenters/draw";

/** The draw's slug, from the page's own path (/draw/<slug>). */
export const slug = decodeURIComponent(location.pathname.split("/")[2] ?? "");
const base = `/draw/${encodeURIComponent(slug)}/api`;

/** A winner's address as the form sends it. */
export interface AddressInput {
  name: string;
  phone: string;
  region: string;
  detail: string;
}

export const drawApi = {
  state: () => api.get<DrawPageState>(`${base}/state`),
  /** requestId makes a retry (a lost answer, a double tap) return the same result. */
  draw: (requestId: string) => api.post<DrawOutcome>(`${base}/draws`, { requestId }),
  address: (winId: string, address: AddressInput) => api.post<DrawPageState>(`${base}/wins/${encodeURIComponent(winId)}/address`, address),
  /** wx.config's signature for this page (inside WeChat, before requestMerchantTransfer). */
  wxConfig: () => api.get<PublicWxConfig>(`${base}/wx-config?url=${encodeURIComponent(location.href.split("#")[0] ?? "")}`),
  cash: (winId: string) => api.get<CashTransferView | null>(`${base}/wins/${encodeURIComponent(winId)}/cash`),
};
