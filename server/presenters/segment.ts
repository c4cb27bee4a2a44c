import type { Types } from "mongoose";
import type { SegmentRule } from "../domain/segmentRule.ts";
import type { SegmentAttrs } from "../models/Segment.ts";

export type { SegmentRule };

export type StoredSegment = SegmentAttrs & { _id: Types.ObjectId; createdAt: Date; updatedAt: Date };

export interface PresentedSegment {
  id: string;
  name: string;
  description: string;
  rule: SegmentRule;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
  /** The last count (a cache for the list), null before anyone counted. */
  count: number | null;
  countedAt: string | null;
}

/**
 * A saved segment (人群) with its last count.
 *
 * @param segment the stored segment.
 * @returns the public shape.
 */
export function presentSegment(segment: StoredSegment): PresentedSegment {
  return {
    id: String(segment._id),
    name: segment.name,
    description: segment.description,
    // Stored as given after SegmentRuleSchema accepted it at the edge.
    rule: segment.rule as SegmentRule,
    createdBy: segment.createdBy ?? null,
    createdAt: segment.createdAt.toISOString(),
    updatedAt: segment.updatedAt.toISOString(),
    count: segment.lastCount ?? null,
    countedAt: segment.lastCountedAt ? segment.lastCountedAt.toISOString() : null,
  };
}

/**
 * @param count members a rule selects now.
 * @returns the answer of a segment preview.
 */
export function presentSegmentCount(count: number): { count: number } {
  return { count };
}
