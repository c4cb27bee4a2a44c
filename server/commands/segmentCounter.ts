import type { Types } from "mongoose";
import type { Program } from "../domain/program.ts";
import { compileSegmentFilter, SegmentRuleSchema, type SegmentRule } from "../domain/segmentRule.ts";
import { NotFoundError, UnprocessableError } from "../errors.ts";
import { Member } from "../models/Member.ts";
import { Segment } from "../models/Segment.ts";
import { currentProgram } from "./programStore.ts";

interface CountProps {
  rule: SegmentRule;
  program: Program;
  now: Date;
}

/**
 * Count the members a rule selects: one query (a scan on the embedded database), never a round
 * trip per member.
 *
 * @param props the parsed rule, the program in force and the clock.
 * @returns how many members match.
 */
export default async function segmentCounter({ rule, program, now }: CountProps): Promise<number> {
  return Member.countDocuments(compileSegmentFilter(rule, program, now));
}

/**
 * Count a saved segment and remember the result for the list.
 *
 * @param props the segment's id, its parsed rule, the program and the clock.
 * @returns how many members match.
 */
export async function segmentRecounter(props: CountProps & { segmentId: Types.ObjectId }): Promise<number> {
  const count = await segmentCounter(props);
  // Counting is not an edit: updatedAt stays the time the operator last changed the segment.
  await Segment.updateOne({ _id: props.segmentId }, { $set: { lastCount: count, lastCountedAt: props.now } }, { timestamps: false });
  return count;
}

/**
 * @param stored a rule as saved (validated when saved, re-checked in case the language changed).
 * @returns the parsed rule.
 */
export function storedSegmentRule(stored: unknown): SegmentRule {
  const parsed = SegmentRuleSchema.safeParse(stored ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw UnprocessableError("invalid_segment_rule", `rule.${issue?.path.join(".") ?? ""}: ${issue?.message ?? "invalid"}（请重新编辑并保存该人群）`);
  }
  return parsed.data;
}

/**
 * The MongoDB filter on `members` for a saved segment, for features that target segments
 * (moments, mass messages, lucky draws). Evaluated against the program in force and the given
 * clock, so "bought within 30 days" means 30 days before `now`.
 *
 * @param segmentId the segment.
 * @param now the clock.
 * @returns the filter (merged members excluded).
 */
export async function segmentMemberFilter(segmentId: Types.ObjectId | string, now: Date): Promise<Record<string, unknown>> {
  const segment = await Segment.findById(segmentId).lean();
  if (!segment) {
    throw NotFoundError("segment");
  }
  const { program } = await currentProgram();
  return compileSegmentFilter(storedSegmentRule(segment.rule), program, now);
}
