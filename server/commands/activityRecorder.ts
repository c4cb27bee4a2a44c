import type { Types } from "mongoose";
import { addMonths, type Program } from "../domain/program.ts";
import ledgerPoster from "./ledgerPoster.ts";
import { upgradeIfEarned } from "./levelEvaluator.ts";
import { levelUpTask } from "./taskEvents.ts";

export type ActivityKind = "task" | "sign_in";

/**
 * Credit a member for a completed task or a daily sign-in at the programme's rates. The source id
 * is the gate: a task's id, or the member and day for a sign-in, so a replay or a second sign-in
 * the same day counts nothing. An activity that pushes growth over a threshold upgrades at once.
 *
 * @param props the member, what they did, its source id, the programme and the clock.
 * @returns what was credited (zeros for a replay) and the level reached, if it changed.
 */
export default async function activityRecorder(props: {
  memberId: Types.ObjectId;
  kind: ActivityKind;
  sourceId: string;
  program: Program;
  now: Date;
}): Promise<{ growth: number; points: number; replayed: boolean; upgradedTo: string | null }> {
  const { memberId, kind, program, now } = props;
  const growth = kind === "task" ? program.growth.perTask : program.growth.perSignIn;
  const points = kind === "task" ? program.points.perTask : 0;
  const sourceId = `${kind}:${props.sourceId}`;
  const creditedGrowth = await ledgerPoster({ account: "growth", memberId, delta: growth, reason: kind, sourceId, now });
  const creditedPoints = await ledgerPoster({
    account: "points",
    memberId,
    delta: points,
    reason: kind,
    sourceId,
    now,
    expiresAt: points > 0 && program.points.expiryMonths > 0 ? addMonths(now, program.points.expiryMonths) : null,
  });
  const upgradedTo = creditedGrowth && growth > 0 ? await upgradeIfEarned(memberId, program, now) : null;
  if (upgradedTo) {
    await levelUpTask({ memberId: String(memberId), now });
  }
  return { growth: creditedGrowth ? growth : 0, points: creditedPoints ? points : 0, replayed: !creditedGrowth && !creditedPoints, upgradedTo };
}
