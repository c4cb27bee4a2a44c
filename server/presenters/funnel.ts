import type { StoredFunnel } from "../models/Funnel.ts";

/** One group of a funnel's pool, as the console shows its status. */
export interface PresentedFunnelGroup {
  key: string;
  kind: "wecom" | "image";
  chatId: string | null;
  name: string;
  memberCount: number;
  joins: number;
  /** An uploaded QR's expiry (ISO); null for managed groups. */
  expiresAt: string | null;
  /** The uploaded QR's file, as the editor sends it back. */
  imageId: string | null;
  /** Where the console can show the uploaded QR. */
  imageUrl: string | null;
  dismissed: boolean;
  /** Below the threshold, not expired, not dismissed. */
  usable: boolean;
  /** On the join way's chat list now, or the uploaded QR the landing page shows. */
  current: boolean;
}

/** A funnel (群活码) in the console. */
export interface PresentedFunnel {
  id: string;
  slug: string;
  name: string;
  state: string;
  landingText: string;
  landingImageUrl: string;
  threshold: number;
  lowPoolWarning: number;
  paused: boolean;
  autoCreateRoom: boolean;
  roomBaseName: string;
  roomBaseId: number;
  /** The join way's QR from WeCom; empty when the funnel has no managed group. */
  joinWayQrCode: string;
  groups: PresentedFunnelGroup[];
  usableGroups: number;
  /** Set while fewer usable groups than lowPoolWarning remain. */
  warning: { usable: number; at: string } | null;
  stats: { visits: number; visitors: number; joins: number };
  /** The landing page's path, `/g/<slug>`. */
  landingPath: string;
  updatedAt: string;
}

/**
 * @param funnel the stored funnel.
 * @param usable which pool keys can still take members (from the pool rules at the clock's now).
 * @returns the console's shape.
 */
export function presentFunnel(funnel: StoredFunnel, usable: Set<string>): PresentedFunnel {
  const listed = new Set(funnel.joinWay?.chatIds ?? []);
  return {
    id: String(funnel._id),
    slug: funnel.slug,
    name: funnel.name,
    state: funnel.state,
    landingText: funnel.landingText,
    landingImageUrl: funnel.landingImageUrl,
    threshold: funnel.threshold,
    lowPoolWarning: funnel.lowPoolWarning,
    paused: funnel.paused,
    autoCreateRoom: funnel.joinWay?.autoCreateRoom ?? false,
    roomBaseName: funnel.joinWay?.roomBaseName ?? "",
    roomBaseId: funnel.joinWay?.roomBaseId ?? 1,
    joinWayQrCode: funnel.joinWay?.qrCode ?? "",
    groups: funnel.groups.map((group) => ({
      key: group.key,
      kind: group.kind,
      chatId: group.chatId ?? null,
      name: group.name,
      memberCount: group.memberCount,
      joins: group.joins,
      expiresAt: group.expiresAt ? group.expiresAt.toISOString() : null,
      imageId: group.imageId ?? null,
      imageUrl: group.imageId ? `/g/${funnel.slug}/qr/${group.imageId}` : null,
      dismissed: group.dismissed,
      usable: usable.has(group.key),
      current: group.kind === "wecom" ? listed.has(group.chatId ?? "") : funnel.currentImageKey === group.key,
    })),
    usableGroups: usable.size,
    warning: funnel.warning ? { usable: funnel.warning.usable ?? 0, at: (funnel.warning.at ?? funnel.updatedAt).toISOString() } : null,
    stats: { visits: funnel.stats?.visits ?? 0, visitors: funnel.stats?.visitors ?? 0, joins: funnel.stats?.joins ?? 0 },
    landingPath: `/g/${funnel.slug}`,
    updatedAt: funnel.updatedAt.toISOString(),
  };
}
