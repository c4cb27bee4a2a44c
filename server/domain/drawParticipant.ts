/**
 * Who is drawing. `key` identifies the person within a draw: `ext:<externalUserId>` when the
 * customer is known to WeCom, else `oid:<openid>` (WeChat web OAuth). Quotas, records and wins
 * are keyed by it, so the same person always lands on the same quota document.
 */
export interface DrawParticipant {
  key: string;
  externalUserId?: string;
  openid?: string;
  unionid?: string;
  memberId?: string;
}

/**
 * @param ids what is known about the person.
 * @returns the participant with its key, or null when nothing identifies them.
 */
export function drawParticipant(ids: Omit<DrawParticipant, "key">): DrawParticipant | null {
  const key = ids.externalUserId ? `ext:${ids.externalUserId}` : ids.openid ? `oid:${ids.openid}` : null;
  return key ? { ...ids, key } : null;
}
