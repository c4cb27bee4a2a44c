// Helpers for the draw tests: draws made through the editor command, participants, members.
import mongoose from "mongoose";
import { forgetDraw } from "../../server/commands/drawCache.ts";
import { createDraw, setDrawStatus, type DrawInput } from "../../server/commands/drawEditor.ts";
import takeDraw from "../../server/commands/drawTaker.ts";
import type { DrawParticipant } from "../../server/domain/drawParticipant.ts";
import type { DrawOutcome } from "../../server/domain/drawShapes.ts";
import { AppError } from "../../server/errors.ts";
import type { StoredDraw } from "../../server/models/LuckyDraw.ts";
import { Member } from "../../server/models/Member.ts";

let sequence = 0;
export const NOW = new Date("2026-12-04T04:00:00Z");

/**
 * A draw made through the editor (and started), with a fresh slug.
 *
 * @param overrides fields to change.
 * @param status the status to leave it in.
 * @returns the stored draw.
 */
export async function aDraw(overrides: Partial<DrawInput> = {}, status: "draft" | "active" | "paused" | "ended" = "active"): Promise<StoredDraw> {
  sequence += 1;
  const input: DrawInput = {
    slug: `core-${process.pid}-${sequence}`,
    name: "年终幸运抽奖",
    startsAt: new Date(NOW.getTime() - 86_400_000),
    endsAt: new Date(NOW.getTime() + 10 * 86_400_000),
    rules: "",
    style: "wheel",
    eligibility: { levels: [], tagIds: [], segmentId: null, guideUserIds: [], funnelId: null },
    limits: { perDay: null, total: null, maxWins: null },
    prizes: [{ name: "保温杯", kind: "physical", weight: 1, stock: 10 }],
    cashBudgetFen: 0,
    tagsOnJoin: [],
    tagsOnWin: [],
    ...overrides,
  };
  const draw = await createDraw(input, { actorId: "tester", now: NOW });
  forgetDraw(draw.slug);
  return status === "draft" ? draw : setDrawStatus(String(draw._id), status, { actorId: "tester", now: NOW });
}

/**
 * @param n a number making the person unique.
 * @param ids what else is known about them.
 * @returns a participant known by an external user id.
 */
export function aCustomer(n: number | string, ids: Partial<DrawParticipant> = {}): DrawParticipant {
  return { key: `ext:wmCust${n}`, externalUserId: `wmCust${n}`, ...ids };
}

/**
 * @param n a number making the person unique.
 * @returns a participant known only by WeChat (openid), as after OAuth.
 */
export function aWeChatUser(n: number | string): DrawParticipant {
  return { key: `oid:o-draw-${n}`, openid: `o-draw-${n}` };
}

/**
 * A member at a level, stored directly (the draw reads levels, it does not make them).
 *
 * @param levelCode the level.
 * @returns the member's id.
 */
export async function aMember(levelCode = "silver"): Promise<string> {
  sequence += 1;
  const member = await Member.create({ memberNo: `M${process.pid}${sequence}`, name: `会员${sequence}`, levelCode, joinedAt: new Date(NOW.getTime() - 86_400_000) });
  return String(member._id);
}

/**
 * Draw and give back either the outcome or the refusal's id, so tests can count both.
 *
 * @param draw the draw.
 * @param participant who draws.
 * @param requestId the request id (fresh by default).
 * @param now the clock.
 * @returns the outcome, or the error id.
 */
export async function drawOrRefusal(draw: StoredDraw, participant: DrawParticipant, requestId = new mongoose.Types.ObjectId().toHexString(), now = NOW): Promise<DrawOutcome | string> {
  try {
    return await takeDraw({ slug: draw.slug, participant, requestId, now });
  } catch (error) {
    if (error instanceof AppError) {
      return error.id;
    }
    throw error;
  }
}
