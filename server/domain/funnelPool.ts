// Which groups of a funnel's pool can still take members, and what the funnel should show.
// Pure rules: the rotation command and the landing page both read the pool through them, so
// the page never shows a group the next rotation would take away.

/** WeCom lists at most 5 groups on one join way (errcode 41091). */
export const JOIN_WAY_MAX_CHATS = 5;

/** The fields of a pool group the rules read. */
export interface PoolGroup {
  key: string;
  kind: "wecom" | "image";
  chatId?: string | null;
  memberCount: number;
  expiresAt?: Date | null;
  dismissed?: boolean;
}

/** The fields of a funnel the rules read. */
export interface PoolFunnel {
  threshold: number;
  lowPoolWarning: number;
  paused: boolean;
  groups: PoolGroup[];
  joinWay?: { autoCreateRoom: boolean; chatIds: string[] } | null;
}

/**
 * @param group a pool group.
 * @param threshold the funnel's capacity threshold.
 * @param now the clock.
 * @returns whether a customer sent there now can still join.
 */
export function isUsable(group: PoolGroup, threshold: number, now: Date): boolean {
  if (group.dismissed || group.memberCount >= threshold) {
    return false;
  }
  return group.kind !== "image" || (group.expiresAt instanceof Date && group.expiresAt.getTime() > now.getTime());
}

/**
 * @param funnel the funnel.
 * @param now the clock.
 * @returns how many groups of the pool can still take members.
 */
export function usableCount(funnel: PoolFunnel, now: Date): number {
  return funnel.groups.filter((group) => isUsable(group, funnel.threshold, now)).length;
}

/**
 * The join way's chat list: the first usable managed groups in pool order. When none is usable
 * the list stays as it is, because WeCom requires at least one chat and, with auto_create_room,
 * opens a new group itself once the listed ones are full.
 *
 * @param funnel the funnel.
 * @param now the clock.
 * @returns the chat ids WeCom should list.
 */
export function desiredChatIds(funnel: PoolFunnel, now: Date): string[] {
  const usable = funnel.groups.filter((group) => group.kind === "wecom" && group.chatId && isUsable(group, funnel.threshold, now));
  if (usable.length === 0) {
    return funnel.joinWay?.chatIds ?? [];
  }
  return usable.slice(0, JOIN_WAY_MAX_CHATS).map((group) => group.chatId as string);
}

/**
 * @param funnel the funnel.
 * @param now the clock.
 * @returns the key of the uploaded QR to show (the first usable one in pool order), or null.
 */
export function currentImageKey(funnel: PoolFunnel, now: Date): string | null {
  return funnel.groups.find((group) => group.kind === "image" && isUsable(group, funnel.threshold, now))?.key ?? null;
}

/** What the landing page shows. */
export type LandingChoice =
  | { kind: "paused" }
  | { kind: "empty" }
  | { kind: "join_way"; chatId: string | null }
  | { kind: "image"; key: string };

/**
 * A managed group first (the join way keeps itself current), else the current uploaded QR.
 *
 * @param funnel the funnel.
 * @param now the clock.
 * @returns what the landing page should show.
 */
export function landingChoice(funnel: PoolFunnel, now: Date): LandingChoice {
  if (funnel.paused) {
    return { kind: "paused" };
  }
  const managed = funnel.groups.find((group) => group.kind === "wecom" && group.chatId && isUsable(group, funnel.threshold, now));
  if (managed && funnel.joinWay) {
    return { kind: "join_way", chatId: managed.chatId ?? null };
  }
  const image = currentImageKey(funnel, now);
  if (image) {
    return { kind: "image", key: image };
  }
  if (funnel.joinWay?.autoCreateRoom) {
    return { kind: "join_way", chatId: null };
  }
  return { kind: "empty" };
}

/**
 * @param funnel the funnel.
 * @param now the clock.
 * @returns whether the operator should be warned that the pool is running dry.
 */
export function isPoolLow(funnel: PoolFunnel, now: Date): boolean {
  return usableCount(funnel, now) < funnel.lowPoolWarning;
}
