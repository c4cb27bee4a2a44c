// 群活码: funnels, their pools and the group QRs operators upload.
import type { PresentedFunnel, PresentedFunnelGroup } from "@server/presenters/funnel";
import { api } from "@shared/api";
import { consoleUrl, segment } from "./base";

/** A pool group as the editor sends it. */
export type FunnelGroupBody = { kind: "wecom"; chatId: string } | { kind: "image"; imageId: string; name: string; expiresAt: string; chatId?: string };

/** The body of `POST /funnels` (slug and state only on create) and `PUT /funnels/:id`. */
export interface FunnelBody {
  slug?: string;
  name: string;
  landingText: string;
  landingImageUrl: string;
  threshold: number;
  lowPoolWarning: number;
  paused: boolean;
  autoCreateRoom: boolean;
  roomBaseName: string;
  roomBaseId: number;
  groups: FunnelGroupBody[];
}

/** What the pool status answers. */
export interface FunnelPool {
  groups: PresentedFunnelGroup[];
  usableGroups: number;
  warning: PresentedFunnel["warning"];
  paused: boolean;
}

export const fetchFunnels = () => api.get<PresentedFunnel[]>(consoleUrl("/funnels"));
export const fetchFunnelPool = (id: string) => api.get<FunnelPool>(consoleUrl(`/funnels/${segment(id)}/pool`));
export const createFunnel = (body: FunnelBody) => api.post<PresentedFunnel>(consoleUrl("/funnels"), body);
export const updateFunnel = (id: string, body: FunnelBody) => api.put<PresentedFunnel>(consoleUrl(`/funnels/${segment(id)}`), body);
export const deleteFunnel = (id: string) => api.delete<{ id: string; deleted: boolean }>(consoleUrl(`/funnels/${segment(id)}`));
/** A group QR as a data: URL (PNG or JPG, ≤ 2 MB). */
export const uploadFunnelImage = (data: string) => api.post<{ imageId: string; contentType: string; bytes: number }>(consoleUrl("/funnels/images"), { data });
/** The permanent QR's download (`<name>.png`) and the printable poster. */
export const funnelQrUrl = (id: string) => consoleUrl(`/funnels/${segment(id)}/qr.png`);
export const funnelPosterUrl = (id: string) => consoleUrl(`/funnels/${segment(id)}/poster`);
