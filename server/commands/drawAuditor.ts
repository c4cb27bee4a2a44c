import crypto from "node:crypto";
import type { Types } from "mongoose";
import { DrawAudit, type DrawAuditKind } from "../models/DrawAudit.ts";

/** One audit line. */
export interface AuditLine {
  drawId: Types.ObjectId;
  kind: DrawAuditKind;
  actor: string;
  participantKey?: string | null;
  winId?: string | null;
  detail?: Record<string, unknown>;
  at: Date;
}

/**
 * A participant key names an openid or an external user id: the audit keeps a hash, enough to
 * tell one person's draws apart without holding the id itself.
 *
 * @param key the participant key.
 * @returns a short hash.
 */
export function participantKeyHash(key: string): string {
  return crypto.createHash("sha256").update(key).digest("hex").slice(0, 16);
}

/**
 * Append audit lines in one write.
 *
 * @param lines what happened.
 */
export async function audit(...lines: AuditLine[]): Promise<void> {
  if (lines.length === 0) {
    return;
  }
  await DrawAudit.insertMany(
    lines.map(({ participantKey, ...line }) => ({ ...line, participantKeyHash: participantKey ? participantKeyHash(participantKey) : null, winId: line.winId ?? null, detail: line.detail ?? {} })),
    { ordered: false },
  );
}
